package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ResilienceException;

/**
 * A password in a location ({@code scheme://user:PASSWORD@host}) never reaches what the command prints, its log or
 * a node's files, whatever the location is refused for: every message goes through
 * {@link ResilienceException#redactLocations} (the exception's constructor) and every log line through the log's
 * layout ({@code LogFormatRedactionTest}).
 */
@DisplayName("a password in a location is never printed, logged or written")
class LocationPasswordTest {
    private static final String PASSWORD = "Pw4LocationZ9";

    @TempDir
    Path dir;

    private void assertNowhere(CliRun r, Path nodeDir) throws IOException {
        assertFalse(r.out().contains(PASSWORD) || r.err().contains(PASSWORD), "the password was printed: " + r);
        assertTrue(r.err().contains("****@") || !r.err().contains("@"), "the location is still named: " + r.err());
        if (Files.exists(nodeDir)) {
            try (Stream<Path> s = Files.walk(nodeDir)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains(PASSWORD), "the password was written into " + f + ":\n" + text);
                }
            }
        }
    }

    @Test
    @DisplayName("locations of every kind (nodes, archive, a bad value, an unknown scheme) in commands' errors")
    void inCommandErrors() throws IOException {
        String at = "kit:" + PASSWORD + "@";
        Path live = Files.createDirectories(dir.resolve("live"));
        List<List<String>> configs = List.of(
                List.of("node.role=export", "files.source=" + live, "export.notify=https://" + at + "127.0.0.1:1"),
                List.of("node.role=export", "files.source=" + live, "export.notify=file://" + at + "host/x"),
                List.of("node.role=pull-backup", "pbs.source=https://" + at + "127.0.0.1:1"),
                List.of("node.role=pull-backup", "pbs.source=file:" + dir.resolve("src"),
                        "pbs.archive=dir://" + at + "host" + dir.resolve("archive")),
                List.of("node.role=pull-backup", "pbs.source=https://" + at + "host:port is bad/"),
                List.of("node.role=export", "files.source=" + live, "node.uri=carrier-pigeon://" + at + "loft/x"));
        int n = 0;
        for (List<String> lines : configs) {
            Path nodeDir = dir.resolve("n" + n);
            Stream<String> all = Stream.concat(Stream.of("node.name=n" + n, "node.dir=" + nodeDir, "node.component=files"),
                    lines.stream());
            Path c = FilesClusterConfigs.conf(dir, "n" + n++ + ".properties", all.toArray(String[]::new));
            for (String command : List.of("status", lines.get(0).endsWith("export") ? "export" : "pull")) {
                CliRun r = CliRun.of(command, "-c", c.toString());
                // status reads the state only, and a pull with nothing announced contacts nobody: an export must fail.
                if (command.equals("export")) {
                    assertNotEquals(0, r.status(), "a location with a password was accepted: " + lines + "\n" + r);
                }
                assertNowhere(r, nodeDir);
            }
        }
    }

    @Test
    @DisplayName("redactLocations hides every location's user information and nothing else")
    void redactLocations() {
        assertEquals("from https://****@h:1/x and file://****@host/d, not a@b.c or mailto:me@x",
                ResilienceException.redactLocations("from https://u:" + PASSWORD + "@h:1/x and file://" + PASSWORD
                        + "@host/d, not a@b.c or mailto:me@x"));
        assertEquals("no location", ResilienceException.redactLocations("no location"));
        assertEquals("https://****@h/", new ResilienceException(org.resilient.api.ErrorCode.IO_ERROR,
                "https://u:" + PASSWORD + "@h/").getMessage(), "the exception's message goes through it");
    }
}
