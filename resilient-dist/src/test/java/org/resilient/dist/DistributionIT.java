package org.resilient.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled distribution runs on its own: bin/resilient of a copy outside the source tree, with no Maven on
 * the PATH, finds every built-in provider and the third-party jars of its plugin directory (and of RESILIENT_PLUGINS).
 */
class DistributionIT {
    private static final Path DIST = Path.of(System.getProperty("resilient.dist"));

    @TempDir
    Path dir;

    private Path install() throws IOException, InterruptedException {
        Path home = dir.resolve("opt");
        Process cp = new ProcessBuilder("cp", "-a", DIST.toString(), home.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        return home;
    }

    private static Path pluginJar(Path jar) throws IOException {
        String cls = ExtraComponentProvider.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             var in = ExtraComponentProvider.class.getClassLoader().getResourceAsStream(cls)) {
            j.putNextEntry(new JarEntry(cls));
            in.transferTo(j);
            j.putNextEntry(new JarEntry("META-INF/services/org.resilient.api.spi.ComponentProvider"));
            j.write((ExtraComponentProvider.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private String run(Path home, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(home, env, 0, args);
    }

    private String run(Path home, Map<String, String> env, int status, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/resilient").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().remove("RESILIENT_PLUGINS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "bin/resilient did not finish");
        assertEquals(status, p.exitValue(), out);
        return out;
    }

    @Test
    @DisplayName("bin/resilient is executable and finds the built-in providers without the source tree or Maven")
    void runsOnItsOwn() throws Exception {
        Path home = install();
        assertTrue(Files.getPosixFilePermissions(home.resolve("bin/resilient")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertTrue(Files.isRegularFile(home.resolve("systemd/resilient-node@.service")));
        assertTrue(Files.isRegularFile(home.resolve("etc/db0.properties")));
        String out = run(home, Map.of(), "components");
        for (String name : List.of("files", "postgres", "mysql", "dir")) {
            assertTrue(out.contains(name), out);
        }
        assertFalse(out.contains("extra"), out);
    }

    @Test
    @DisplayName("a component jar in plugins/ or in RESILIENT_PLUGINS is found by every command")
    void findsPlugins() throws Exception {
        Path home = install();
        pluginJar(home.resolve("plugins/extra.jar"));
        assertTrue(run(home, Map.of(), "components").contains("extra"));

        Files.delete(home.resolve("plugins/extra.jar"));
        Path elsewhere = Files.createDirectories(dir.resolve("more-plugins"));
        pluginJar(elsewhere.resolve("extra.jar"));
        String out = run(home, Map.of("RESILIENT_PLUGINS", elsewhere.toString()), "components");
        assertTrue(out.contains("org.resilient.dist.ExtraComponentProvider") && out.contains(elsewhere.resolve("extra.jar").getFileName().toString()), out);
    }

    @Test
    @DisplayName("resilient demo runs its four nodes with this installation's bin/resilient, fails over, needs no server, ends with DEMO OK")
    void demo() throws Exception {
        Path home = install();
        String out;
        try {
            out = run(home, Map.of(), "demo", "--size-mb", "2", "--dir", dir.resolve("demo").toString());
        } finally {
            // The deposed db0 keeps its live directory fenced (mode 0000): open it so that @TempDir can delete it.
            Path live = dir.resolve("demo/live/db0");
            if (Files.exists(live)) {
                Files.setPosixFilePermissions(live, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        }
        assertTrue(out.contains(home.resolve("bin/resilient") + " node --config FILE"), out);
        // The installation's lib/ holds the embedded coordinator: the failover runs with bin/resilient alone.
        assertTrue(out.contains("check: the best standby took over, alone") && out.contains("5 cycles, 5 generations"), out);
        assertTrue(out.lines().anyMatch("DEMO OK"::equals), out);
    }

    @Test
    @DisplayName("a heap too small for the work ends the command at once with what to set, without a stack trace")
    void outOfMemory() throws Exception {
        Path home = install();
        // 64 MiB of incompressible data stored into an archive: more than a 12 MiB heap holds at once.
        Path data = Files.createDirectories(dir.resolve("data"));
        byte[] block = new byte[1 << 20];
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        try (OutputStream out = Files.newOutputStream(data.resolve("big.bin"))) {
            for (int i = 0; i < 64; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        String out = run(home, Map.of("RESILIENT_JAVA_OPTS", "-XX:+UseSerialGC -Xmx12m"), 137, "archive", "store", "--repo",
                dir.resolve("repo").toString(), data.toString());
        assertTrue(out.contains("resilient: out of memory") && out.contains("RESILIENT_JAVA_OPTS=-Xmx4g"), out);
        assertFalse(out.contains("\tat "), "a stack trace was printed:\n" + out);
        assertFalse(out.contains("Killed"), "the launcher reported a killed process of its own:\n" + out);
    }
}
