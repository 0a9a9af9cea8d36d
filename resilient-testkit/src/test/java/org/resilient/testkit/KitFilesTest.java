package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KitFilesTest {
    @TempDir
    Path dir;

    @Test
    void everyModeRoundTripsThroughAFile() throws IOException {
        Path f = Files.createFile(dir.resolve("f"));
        for (int mode = 0; mode <= 0777; mode++) {
            Files.setPosixFilePermissions(f, KitFiles.permissions(mode));
            assertEquals(mode, KitFiles.mode(f), "mode " + Integer.toOctalString(mode));
        }
    }

    @Test
    void sha256OfBytesAndOfAFileAgree() throws IOException {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        String expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2 example
        assertEquals(expected, KitFiles.sha256(abc));
        assertEquals(expected, KitFiles.sha256(Files.write(dir.resolve("abc"), abc)));
    }

    @Test
    void writeReplacesAndDeleteTreeRemovesEverything() throws IOException {
        Path file = dir.resolve("a/b/c");
        KitFiles.write(file, new byte[] {1});
        KitFiles.write(file, new byte[] {2, 3});
        assertEquals(2, Files.size(file));
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary file is left beside it");
        }
        Files.createSymbolicLink(dir.resolve("a/link"), dir); // not followed
        KitFiles.deleteTree(dir.resolve("a"));
        assertFalse(Files.exists(dir.resolve("a")));
        KitFiles.deleteTree(dir.resolve("a")); // what is gone is ignored
    }
}
