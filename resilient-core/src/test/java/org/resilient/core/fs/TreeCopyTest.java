package org.resilient.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

@DisplayName("TreeCopy")
class TreeCopyTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("copies files, empty and read-only directories, links, modes and times exactly")
    void copiesEverything() throws IOException {
        Path src = TestTrees.sample(tmp.resolve("src"));
        Path dst = tmp.resolve("out/dst");
        TreeCopy.Result r = TreeCopy.from(src).copyTo(dst);
        assertEquals(TestTrees.fingerprint(src), TestTrees.fingerprint(dst));
        assertEquals(4, r.links());
        assertEquals(r.totalBytes(), r.copiedBytes());
        assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dst.resolve("ro-dir"))));
        assertEquals(TestTrees.PAST.plusSeconds(8), Files.getLastModifiedTime(dst.resolve("a")).toInstant());
    }

    @Test
    @DisplayName("keeps links as links and never follows them out of the tree")
    void linksAreNotFollowed() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createSymbolicLink(src.resolve("out"), outside);
        Path dst = tmp.resolve("dst");
        TreeCopy.from(src).copyTo(dst);
        assertTrue(Files.isSymbolicLink(dst.resolve("out")));
        assertEquals(outside, Files.readSymbolicLink(dst.resolve("out")));
        try (var s = Files.list(outside)) {
            assertEquals(1, s.count(), "nothing was written through the link");
        }
    }

    @Test
    @DisplayName("resume keeps complete files, recopies partial ones, removes strays and never writes through a link")
    void resume() throws IOException {
        Path src = TestTrees.sample(tmp.resolve("src"));
        Path dst = tmp.resolve("dst.partial");
        TreeCopy.from(src).copyTo(dst);
        // Simulate an interrupted earlier copy: a truncated file whose time is not yet set, a stray file, and
        // a link where a directory belongs, pointing outside.
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.setPosixFilePermissions(dst.resolve("ro-dir"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dst.resolve("a/b/two.txt"), "tw");
        Files.writeString(dst.resolve("stray.txt"), "stray");
        AtomicFiles.deleteTree(dst.resolve("a/b/c"));
        Files.createSymbolicLink(dst.resolve("a/b/c"), outside);
        Files.setPosixFilePermissions(dst.resolve("ro-dir"), PosixFilePermissions.fromString("r-xr-xr-x"));

        TreeCopy.Result r = TreeCopy.from(src).resume(true).copyTo(dst);

        assertEquals(TestTrees.fingerprint(src), TestTrees.fingerprint(dst));
        long expected = Files.size(src.resolve("a/b/two.txt")) + Files.size(src.resolve("a/b/c/run.sh"));
        assertEquals(expected, r.copiedBytes(), "only the damaged and missing files were copied again");
        try (var s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing was written through the stray link");
        }
    }

    @Test
    @DisplayName("resume recopies a file of the right size whose time shows it was not finished")
    void resumeChecksTime() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        TestTrees.write(src.resolve("f"), "abcdef", "rw-r--r--", TestTrees.PAST);
        Path dst = Files.createDirectories(tmp.resolve("dst"));
        Files.writeString(dst.resolve("f"), "xxxxxx"); // same size, time "now"
        TreeCopy.from(src).resume(true).copyTo(dst);
        assertEquals("abcdef", Files.readString(dst.resolve("f")));
        assertEquals(TestTrees.PAST, Files.getLastModifiedTime(dst.resolve("f")).toInstant());
    }

    @Test
    @DisplayName("refuses a non-empty target without resume, and a target inside the source")
    void refusesBadTargets() throws IOException {
        Path src = TestTrees.sample(tmp.resolve("src"));
        Path dst = Files.createDirectories(tmp.resolve("dst"));
        Files.writeString(dst.resolve("x"), "x");
        ResilienceException e = assertThrows(ResilienceException.class, () -> TreeCopy.from(src).copyTo(dst));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("x", Files.readString(dst.resolve("x")), "the target was left alone");
        e = assertThrows(ResilienceException.class, () -> TreeCopy.from(src).copyTo(src.resolve("a/inner")));
        assertTrue(e.getMessage().contains("inside"), e.getMessage());
    }

    @Test
    @DisplayName("an unreadable source file is IO_ERROR naming it (not a 'target not writable' error)")
    void unreadableSource() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "root reads files whatever their mode");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("secret"), "s");
        Files.setPosixFilePermissions(src.resolve("secret"), PosixFilePermissions.fromString("---------"));
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> TreeCopy.from(src).copyTo(tmp.resolve("dst")));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("cannot read") && e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    @DisplayName("a missing source is NOT_FOUND")
    void missingSource() {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> TreeCopy.from(tmp.resolve("nope")).copyTo(tmp.resolve("dst")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    @DisplayName("refuses special files such as a named pipe")
    void refusesSpecialFiles() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        int rc = new ProcessBuilder("mkfifo", src.resolve("pipe").toString()).start().waitFor();
        org.junit.jupiter.api.Assumptions.assumeTrue(rc == 0, "mkfifo is not available");
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> TreeCopy.from(src).copyTo(tmp.resolve("dst")));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("pipe"), e.getMessage());
    }

    @Test
    @DisplayName("skips files deleted during the copy when asked (live directories), fails on them otherwise")
    void vanishedFiles() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("big"), "x".repeat(10_000));
        Files.writeString(src.resolve("small"), "s"); // copied last: biggest files go first
        ProgressListener deleteSmall = p -> {
            if (p.done() > 0) {
                AtomicFiles.deleteQuietly(src.resolve("small"));
            }
        };
        TreeCopy.Result r = TreeCopy.from(src).threads(1).skipVanished(true).progress("copy", deleteSmall)
                .copyTo(tmp.resolve("dst"));
        assertEquals(1, r.vanished());
        assertTrue(Files.exists(tmp.resolve("dst/big")));
        assertFalse(Files.exists(tmp.resolve("dst/small")));

        Files.writeString(src.resolve("small"), "s");
        ResilienceException e = assertThrows(ResilienceException.class, () -> TreeCopy.from(src).threads(1)
                .progress("copy", deleteSmall).copyTo(tmp.resolve("dst2")));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("small"), e.getMessage());
    }

    @Test
    @DisplayName("stops with CANCELLED when cancelled")
    void cancels() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(src.resolve("f" + i), "x".repeat(i));
        }
        Cancellation c = Cancellation.create();
        AtomicInteger reports = new AtomicInteger();
        ResilienceException e = assertThrows(ResilienceException.class, () -> TreeCopy.from(src).threads(1)
                .cancellation(c).progress("copy", p -> {
                    if (reports.incrementAndGet() == 5) {
                        c.cancel();
                    }
                }).copyTo(tmp.resolve("dst")));
        assertEquals(ErrorCode.CANCELLED, e.code());
    }

    @Test
    @DisplayName("copies many files with several threads and reports progress up to the total")
    void manyFilesInParallel() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        long total = 0;
        for (int i = 0; i < 120; i++) {
            Path f = src.resolve("d" + (i % 7)).resolve("f" + i);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "content " + i);
            Files.setLastModifiedTime(f, FileTime.from(TestTrees.PAST.plusSeconds(i)));
            total += Files.size(f);
        }
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
        TreeCopy.Result r = TreeCopy.from(src).threads(4).fsync(true)
                .progress("copy", p -> last.accumulateAndGet(p.done(), Math::max)).copyTo(tmp.resolve("dst"));
        assertEquals(120, r.files());
        assertEquals(total, last.get());
        assertEquals(TestTrees.fingerprint(src), TestTrees.fingerprint(tmp.resolve("dst")));
        assertFalse(Files.exists(tmp.resolve("dst").resolve("nothing")));
    }
}
