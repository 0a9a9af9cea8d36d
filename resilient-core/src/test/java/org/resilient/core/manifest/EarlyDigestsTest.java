package org.resilient.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.support.hash.Sha256;

/** Digests taken while an exporter writes: reused only for files provably unchanged since. */
class EarlyDigestsTest {
    @TempDir
    Path dir;

    /** Seals {@code b/} with the early digests: the MANIFEST holds the digest of the file as it is now. */
    private void assertSealedWithItsDigest(Path file, KnownDigests known) throws Exception {
        SealedBackup sealed = BackupSealer.seal(dir.resolve("b"), BackupId.of(Instant.now(), "n"), "files", "n",
                Epoch.INITIAL, 0, Instant.now(), known, ProgressListener.NONE, Cancellation.never());
        assertEquals(Sha256.of(file), sealed.readManifest().entries().stream()
                .filter(e -> e.type() == ManifestEntry.Type.FILE).findFirst().orElseThrow().sha256());
    }

    @Test
    @DisplayName("a file at rest is hashed in the background, and the seal takes that digest")
    void reusesAtRest() throws Exception {
        Path data = Files.createDirectories(dir.resolve("b/data"));
        Path f = atRest(data.resolve("1.dat"), "rows\n");
        KnownDigests known = hashedWhileWaiting(data, 1);
        assertSealedWith(known, f);
    }

    @Test
    @DisplayName("a file written after it was hashed is hashed again, even with the same size")
    void rehashesChanged() throws Exception {
        Path data = Files.createDirectories(dir.resolve("b/data"));
        Path f = atRest(data.resolve("1.dat"), "rows\n");
        KnownDigests known = hashedWhileWaiting(data, 1);
        Files.writeString(f, "ROWS\n");
        assertEquals(Optional.empty(), known.digest(f));
        assertSealedWithItsDigest(f, known);
    }

    @Test
    @DisplayName("a file only made private after it was hashed (chmod, as exporters do at the end) keeps its digest")
    void chmodKeepsDigest() throws Exception {
        Path data = Files.createDirectories(dir.resolve("b/data"));
        Path f = atRest(data.resolve("1.dat"), "rows\n");
        KnownDigests known = hashedWhileWaiting(data, 1);
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.of(Sha256.of(f)), known.digest(f));
    }

    @Test
    @DisplayName("a file replaced by another (a new inode) with the same size and mtime is hashed again")
    void rehashesReplaced() throws Exception {
        Path data = Files.createDirectories(dir.resolve("b/data"));
        Path f = atRest(data.resolve("1.dat"), "rows\n");
        FileTime old = Files.getLastModifiedTime(f);
        KnownDigests known = hashedWhileWaiting(data, 1);
        Path other = Files.writeString(dir.resolve("other"), "ROWS\n");
        Files.setLastModifiedTime(other, old);
        Files.move(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(Optional.empty(), known.digest(f));
    }

    @Test
    @DisplayName("a file written just now is not hashed early")
    void skipsRecent() throws Exception {
        Path data = Files.createDirectories(dir.resolve("b/data"));
        atRest(data.resolve("old.dat"), "old\n");
        Path fresh = Files.writeString(data.resolve("fresh.dat"), "new\n");
        Files.setLastModifiedTime(fresh, FileTime.from(Instant.now().plusSeconds(3600))); // always "just written"
        KnownDigests known = hashedWhileWaiting(data, 1);
        assertEquals(Optional.empty(), known.digest(fresh));
    }

    @Test
    @DisplayName("an appending exporter's file is hashed as it grows; the seal adds only the tail written since")
    void hashesGrowingFile() throws Exception {
        Path data = Files.createDirectories(dir.resolve("b/data"));
        Path f = Files.writeString(data.resolve("1.dat"), "a".repeat(3 << 20)); // written just now: not at rest
        EarlyDigests early = EarlyDigests.start(data, true);
        awaitGrown(early, f, 3 << 20);
        Files.writeString(f, "tail\n", java.nio.file.StandardOpenOption.APPEND);
        KnownDigests known = early.stop();
        assertEquals(3 << 20, early.grownTo(f), "the background thread read nothing after the stop");
        assertSealedWith(known, f);
    }

    @Test
    @DisplayName("a growing file that was replaced or shrank after it was partly hashed is not taken from its partial digest")
    void growingFileReplacedOrShrunk() throws Exception {
        Path data = Files.createDirectories(dir.resolve("b/data"));
        Path replaced = Files.writeString(data.resolve("1.dat"), "a".repeat(1000));
        Path shrunk = Files.writeString(data.resolve("2.dat"), "b".repeat(1000));
        EarlyDigests early = EarlyDigests.start(data, true);
        awaitGrown(early, replaced, 1000);
        awaitGrown(early, shrunk, 1000);
        Path other = Files.writeString(dir.resolve("other"), "c".repeat(2000));
        Files.move(other, replaced, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(shrunk, "d".repeat(10));
        KnownDigests known = early.stop();
        assertEquals(Optional.empty(), known.digest(replaced));
        assertEquals(Optional.empty(), known.digest(shrunk));
    }

    /** Waits (with a deadline) until the background thread hashed {@code f} to {@code size} bytes as it grew. */
    private static void awaitGrown(EarlyDigests early, Path f, long size) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (early.grownTo(f) < size) {
            assertTrue(System.nanoTime() < deadline, "the background thread did not hash " + f + " in 30 s");
            Thread.onSpinWait();
        }
    }

    /** The seal with {@code known} takes the file's digest, and the backup verifies. */
    private void assertSealedWith(KnownDigests known, Path f) throws Exception {
        assertEquals(Optional.of(Sha256.of(f)), known.digest(f));
        assertSealedWithItsDigest(f, known);
        BackupVerifier.verify(dir.resolve("b"), ProgressListener.NONE, Cancellation.never());
    }

    private static Path atRest(Path f, String text) throws Exception {
        Files.writeString(f, text);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
        return f;
    }

    /** Starts hashing, waits (with a deadline) until {@code n} files are hashed and two whole walks ended, and stops. */
    private static KnownDigests hashedWhileWaiting(Path data, int n) {
        EarlyDigests early = EarlyDigests.start(data);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (early.hashedCount() < n || early.walks() < 2) {
            assertTrue(System.nanoTime() < deadline, "the background thread hashed nothing in 30 s");
            Thread.onSpinWait();
        }
        return early.stop();
    }
}
