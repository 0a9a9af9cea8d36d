package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.Settings;
import org.resilient.api.VerifyLevel;
import org.resilient.support.fs.FileModes;

@DisplayName("The archive is readable by its owner only (or its group, when configured), whatever the umask")
class PermissionsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void privateAgain() {
        FileModes.groupReadable(false);
    }

    /** Every path under a root with its mode, for the message. */
    private static Map<String, String> modes(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                out.put(root.relativize(p).toString(), PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
            }
        }
        return out;
    }

    /** A full cycle: store (a mode-000 file among the data), verify finding damage, store again, prune, restore. */
    private Path cycle(DirArchive a, Path repo) throws Exception {
        Path src = TestTrees.tree(tmp, "src", 1);
        Files.write(src.resolve("data/unreadable"), "secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(src.resolve("data/unreadable"), PosixFilePermissions.fromString("---------"));
        TestTrees.store(a, src, "b1", TestTrees.november(1));
        Path pack;
        try (Stream<Path> s = Files.list(repo.resolve("packs"))) {
            pack = s.sorted().findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(pack);
        b[org.resilient.archive.pack.PackFormat.HEADER + 40] ^= 1;
        Files.write(pack, b); // found damaged: the archive records it
        assertFalse(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
        TestTrees.store(a, src, "b2", TestTrees.november(2));
        a.prune(new RetentionPolicy(1, java.time.Duration.ZERO, 0, 0, 0), TestTrees.ctx(tmp));
        assertTrue(Files.isDirectory(repo.resolve("damaged")), "the damage found is recorded");
        Path out = tmp.resolve("restored");
        a.restore(a.generations().get(0).id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
        assertEquals("---------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                out.resolve("data/unreadable"))), "a restore gives back the recorded mode");
        return out;
    }

    @Test
    @DisplayName("by default every directory is 0700 and every file 0600, after a full cycle")
    void ownerOnly() throws Exception {
        Path repo = tmp.resolve("repo");
        try (DirArchive a = TestTrees.open(repo)) {
            cycle(a, repo);
        }
        Map<String, String> modes = modes(repo);
        assertTrue(modes.size() > 6, modes.toString());
        for (Map.Entry<String, String> e : modes.entrySet()) {
            boolean dir = Files.isDirectory(repo.resolve(e.getKey()));
            assertEquals(dir ? "rwx------" : "rw-------", e.getValue(), e.getKey() + " in " + modes);
        }
    }

    @Test
    @DisplayName("with archive.group-readable, directories are 0750 and files 0640: never readable by others")
    void groupReadable() throws Exception {
        Path repo = tmp.resolve("repo");
        Settings s = Settings.of(Map.of("archive.group-readable", "true", "archive.pack-size", "262144"));
        try (DirArchive a = DirArchive.open(repo, ArchiveSettings.from(s), true)) {
            cycle(a, repo);
        }
        for (Map.Entry<String, String> e : modes(repo).entrySet()) {
            boolean dir = Files.isDirectory(repo.resolve(e.getKey()));
            assertEquals(dir ? "rwxr-x---" : "rw-r-----", e.getValue(), e.getKey());
        }
    }
}
