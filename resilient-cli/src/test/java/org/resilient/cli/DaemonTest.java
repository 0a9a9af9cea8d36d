package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code resilient node} as a real process: a clean stop on SIGTERM, and the control channel. */
class DaemonTest {
    @TempDir
    Path dir;

    private Path conf(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private Path leaderConf(Path source) throws IOException {
        return conf("db0.properties", "node.name=db0", "node.role=export", "node.dir=" + dir.resolve("nodes/db0"),
                "files.source=" + source, "export.notify=file:" + dir.resolve("nodes/pbs1"), "export.jitter=0s",
                "export.retries=0", "node.poll-interval=100ms");
    }

    private static List<String> names(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("SIGTERM in the middle of an export abandons it cleanly: nothing partial stays, exit status 0")
    void sigtermMidExport() throws Exception {
        Path source = Files.createDirectories(dir.resolve("live"));
        Random random = new Random(1);
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 2000; i++) {
            random.nextBytes(block);
            Files.write(source.resolve("f" + i), block);
        }
        Path conf = leaderConf(source);
        Path node = dir.resolve("nodes/db0");
        assertFalse(Files.exists(node), "the daemon makes the node directory");
        try (DaemonProcess daemon = DaemonProcess.start(conf)) {
            daemon.await("the export to start", Duration.ofMinutes(2), () -> {
                try {
                    return names(node.resolve("incoming")).stream().anyMatch(n -> n.endsWith(".export"));
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals(0, daemon.terminate(), daemon.stderrText());
            String log = Files.readString(node.resolve("log/node.log"));
            assertTrue(log.contains("abandoned: the node is stopping") && log.contains("stopped cleanly"), log);
            assertTrue(log.contains("export of ") && log.contains("was cancelled"), "the export was cut short:\n" + log);
            assertEquals(List.of(), names(node.resolve("incoming")), "no staging directory is left");
            assertEquals(List.of(), names(node.resolve("backup")), "nothing was published");
            assertFalse(Files.exists(node.resolve("state/control.sock")), "the control socket is removed");
            String id = log.lines().filter(l -> l.contains("exporting ")).findFirst().orElseThrow()
                    .replaceAll(".* exporting (\\S+) .*", "$1");
            assertTrue(log.lines().filter(l -> l.contains("backup=" + id)).count() >= 2,
                    "the export's lines carry its backup id:\n" + log);
            assertTrue(daemon.stderrText().contains("backup=" + id), "stderr has the log too");
        }
    }

    @Test
    @DisplayName("while the daemon runs, export, status and pull -c ask it, and it answers with the usual exit status")
    void controlChannel() throws Exception {
        Path source = Files.createDirectories(dir.resolve("live"));
        Files.writeString(source.resolve("table.tsv"), "1\tone\n");
        Files.createDirectories(dir.resolve("nodes/pbs1/inbox"));
        Path conf = leaderConf(source);
        Path node = dir.resolve("nodes/db0");
        Path socket = node.resolve("state/control.sock");
        try (DaemonProcess daemon = DaemonProcess.start(conf)) {
            daemon.await("the control socket and the first export", Duration.ofMinutes(2),
                    () -> Files.exists(socket) && Files.exists(node.resolve("state/announce")));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            CliRun export = CliRun.of("export", "-c", conf.toString());
            assertEquals(0, export.status(), export.toString());
            String id = export.out().trim();
            assertTrue(Files.isDirectory(node.resolve("backup").resolve(id)), export.toString());
            daemon.await("the daemon's log of the export", Duration.ofSeconds(30), () -> {
                try {
                    return Files.readString(node.resolve("log/node.log")).contains("published " + id);
                } catch (IOException e) {
                    return false;
                }
            });
            assertFalse(export.err().contains("exporting"), "the daemon exported, not the command: " + export);

            CliRun status = CliRun.of("status", "-c", conf.toString());
            assertEquals(0, status.status(), status.toString());
            assertTrue(status.out().contains("role      export") && status.out().contains(id), status.out());
            CliRun json = CliRun.of("status", "--json", "-c", conf.toString());
            assertEquals(0, json.status(), json.toString());
            assertEquals("db0", JsonDocument.parse(json.out()).path("name").asText(), json.out());

            CliRun pull = CliRun.of("pull", "-c", conf.toString());
            assertEquals(4, pull.status(), pull.toString());
            assertTrue(pull.err().contains("'pull' is for pull-backup nodes"), pull.toString());

            CliRun second = CliRun.of("node", "-c", conf.toString());
            assertEquals(4, second.status(), second.toString());
            assertTrue(second.err().contains("already runs"), second.toString());

            Files.move(source, dir.resolve("live-away"));
            CliRun failed = CliRun.of("export", "-c", conf.toString());
            assertEquals(6, failed.status(), "the daemon's failure, with its exit status: " + failed);
            assertTrue(failed.err().contains("error [NOT_FOUND]") && failed.err().contains("files.source"), failed.toString());
            Files.move(dir.resolve("live-away"), source);

            assertEquals(0, daemon.terminate(), daemon.stderrText());
            assertFalse(Files.exists(socket));
        }
        try (DaemonProcess killed = DaemonProcess.start(conf)) {
            killed.await("the control socket", Duration.ofMinutes(2), () -> Files.exists(socket));
            killed.process.destroyForcibly();
            killed.process.waitFor();
            assertTrue(Files.exists(socket), "kill -9 leaves the socket behind");
            CliRun export = CliRun.of("export", "-c", conf.toString());
            assertEquals(0, export.status(), "without a daemon the command does the work itself: " + export);
            CliRun status = CliRun.of("status", "-c", conf.toString());
            assertEquals(0, status.status(), status.toString());
        }
    }
}
