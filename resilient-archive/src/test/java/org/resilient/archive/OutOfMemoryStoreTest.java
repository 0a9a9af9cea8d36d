package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.resilient.api.Generation;
import org.resilient.api.RestoreOptions;
import org.resilient.api.VerifyLevel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store ended by an OutOfMemoryError as the launcher runs it ({@code -XX:+ExitOnOutOfMemoryError}: the JVM ends at
 * once, no cleanup runs) leaves no generation and nothing a reader trips on; the next store removes its temporary
 * files, takes over its lock and succeeds.
 */
class OutOfMemoryStoreTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("a store that runs out of heap leaves no generation; the next store cleans up and succeeds")
    void outOfMemoryLeavesNothingHalfWritten() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        byte[] block = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(1);
        try (OutputStream out = Files.newOutputStream(src.resolve("big.bin"))) {
            for (int i = 0; i < 64; i++) { // incompressible, more than a 12 MiB heap holds in flight
                random.nextBytes(block);
                out.write(block);
            }
        }
        Path repo = tmp.resolve("repo");
        Path log = tmp.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx12m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), StoreProcess.class.getName(), repo.toString(), src.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the store neither ended nor ran out of memory");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(3, p.exitValue(), "expected the JVM's exit on OutOfMemoryError: " + out);
        try (DirArchive a = TestTrees.open(repo)) {
            assertEquals(0, a.generations().size(), "no generation half-written");
            assertTrue(a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp)).ok());
            Generation g = a.store(TestTrees.request(src, "b1", Instant.parse("2026-11-01T00:00:00Z")),
                    TestTrees.ctx(src));
            assertTrue(a.restore(g.id(), tmp.resolve("out"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
        }
        TestTrees.assertSameTree(src, tmp.resolve("out"));
        try (Stream<Path> left = Files.walk(repo)) {
            assertEquals(0, left.filter(f -> f.getFileName().toString().startsWith(".tmp")).count(),
                    "the next store removed the temporary files of the one that ran out of memory");
        }
    }
}
