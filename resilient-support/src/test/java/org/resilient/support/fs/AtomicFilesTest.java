package org.resilient.support.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

@DisplayName("AtomicFiles")
class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("writes and replaces a file, creating its directory, leaving no temporary file")
    void write() throws IOException {
        Path f = tmp.resolve("a/b/state");
        AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(f));
        AtomicFiles.write(tmp.resolve("a/b/big"), out -> {
            for (int i = 0; i < 100_000; i++) {
                out.write(i);
            }
        });
        assertEquals(100_000, Files.size(tmp.resolve("a/b/big")));
        assertEquals(List.of("big", "state"), names(tmp.resolve("a/b")));
    }

    @Test
    @DisplayName("a failed streaming write leaves the old content and no temporary file")
    void failedWrite() throws IOException {
        Path f = tmp.resolve("index");
        AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("index"), names(tmp));
    }

    @Test
    @DisplayName("temporary names are hidden and recognisable by cleaners: .tmp-<name>-<random>")
    void tempNames() {
        Path t = AtomicFiles.tempSibling(tmp.resolve("gen"));
        assertEquals(tmp, t.getParent());
        assertTrue(t.getFileName().toString().startsWith(".tmp-gen-"), t.toString());
        assertFalse(t.equals(AtomicFiles.tempSibling(tmp.resolve("gen"))));
    }

    @Test
    @DisplayName("deletes a tree with read-only directories, and ignores what is already gone")
    void deleteTree() throws IOException {
        Path root = tmp.resolve("t");
        Files.createDirectories(root.resolve("ro/sub"));
        Files.writeString(root.resolve("ro/sub/f"), "x");
        Files.createSymbolicLink(root.resolve("link"), tmp); // never followed
        Files.setPosixFilePermissions(root.resolve("ro/sub"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("ro"), PosixFilePermissions.fromString("r-xr-xr-x"));
        AtomicFiles.deleteTree(root);
        assertFalse(Files.exists(root));
        assertEquals(List.of(), names(tmp));
        AtomicFiles.deleteTree(root);
    }

    @Test
    @DisplayName("makes a directory of mode 000 writable (an empty permission set is no error)")
    void modeZero() throws IOException {
        Path d = Files.createDirectory(tmp.resolve("none"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("---------"));
        AtomicFiles.makeOwnerWritable(d);
        assertEquals("-wx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
    }

    @Test
    @DisplayName("tells a permission problem (NOT_WRITABLE) from other I/O failures (IO_ERROR)")
    void errors() {
        Path p = tmp.resolve("x");
        assertEquals(ErrorCode.NOT_WRITABLE, AtomicFiles.ioError("write", p, new AccessDeniedException("x")).code());
        ResilienceException e = AtomicFiles.ioError("write", p, new IOException("No space left on device"));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().startsWith("cannot write " + p + ": "), e.getMessage());
    }
}
