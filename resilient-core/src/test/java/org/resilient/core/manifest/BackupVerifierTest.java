package org.resilient.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.core.fs.TestTrees;

@DisplayName("BackupVerifier and the SIGNATURE file")
class BackupVerifierTest {
    @TempDir
    Path tmp;
    Path backup;
    SealedBackup sealed;

    @BeforeEach
    void seal() throws IOException {
        backup = tmp.resolve("20261125T163200.123Z-node0");
        sealed = TestTrees.sealedSample(backup, backup.getFileName().toString());
    }

    private ResilienceException failure() {
        return assertThrows(ResilienceException.class,
                () -> BackupVerifier.verify(backup, ProgressListener.NONE, Cancellation.never()));
    }

    @Test
    @DisplayName("accepts an untouched backup, with the manifest it was sealed with")
    void accepts() {
        SealedBackup v = BackupVerifier.verify(backup, ProgressListener.NONE, Cancellation.never());
        assertEquals(sealed.manifest(), v.manifest());
        assertEquals(sealed.manifestDigest(), v.manifestDigest());
    }

    @Test
    @DisplayName("a deferred file is only size-checked at first; its change is caught when the rest is verified")
    void deferredFileCheckedLater() throws IOException {
        Path f = backup.resolve("data/a/one.txt");
        Files.writeString(f, "ONE\n");
        BackupVerifier.Deferred d = BackupVerifier.verifyDeferring(backup, "a/one.txt"::equals, ProgressListener.NONE,
                Cancellation.never());
        assertEquals(sealed.manifestDigest(), d.sealed().manifestDigest());
        assertEquals(java.util.List.of("a/one.txt"), d.rest().stream().map(e -> e.path()).toList());
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> d.verifyRest(ProgressListener.NONE, Cancellation.never()));
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("data/a/one.txt was changed"), e.getMessage());
    }

    @Test
    @DisplayName("a deferred file that is truncated fails the first pass")
    void deferringChecksSizesAndOtherFiles() throws IOException {
        Files.writeString(backup.resolve("data/a/one.txt"), "");
        ResilienceException e = assertThrows(ResilienceException.class, () -> BackupVerifier.verifyDeferring(backup,
                "a/one.txt"::equals, ProgressListener.NONE, Cancellation.never()));
        assertTrue(e.getMessage().contains("data/a/one.txt has 0 bytes"), e.getMessage());
    }

    @Test
    @DisplayName("catches a file changed after sealing, even with its size and time kept")
    void changed() throws IOException {
        Path f = backup.resolve("data/a/one.txt");
        FileTime t = Files.getLastModifiedTime(f);
        Files.writeString(f, "ONE\n");
        Files.setLastModifiedTime(f, t);
        ResilienceException e = failure();
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("data/a/one.txt was changed"), e.getMessage());
    }

    @Test
    @DisplayName("catches a truncated file")
    void truncated() throws IOException {
        Files.write(backup.resolve("data/big.bin"), new byte[10]);
        ResilienceException e = failure();
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("data/big.bin has 10 bytes") && e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    @DisplayName("catches an added file")
    void added() throws IOException {
        Files.writeString(backup.resolve("data/a/b/new.txt"), "new");
        ResilienceException e = failure();
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("data/a/b/new.txt was added"), e.getMessage());
    }

    @Test
    @DisplayName("catches a removed file")
    void removed() throws IOException {
        Files.delete(backup.resolve("data/a/b/two.txt"));
        ResilienceException e = failure();
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("data/a/b/two.txt was removed"), e.getMessage());
    }

    @Test
    @DisplayName("catches a changed MANIFEST")
    void changedManifest() throws IOException {
        Path m = backup.resolve("MANIFEST");
        Files.writeString(m, Files.readString(m).replace("source-node node0", "source-node node9"));
        ResilienceException e = failure();
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
        assertTrue(e.getMessage().contains("MANIFEST does not match"), e.getMessage());
    }

    @Test
    @DisplayName("sha256sum -c SIGNATURE succeeds in the sealed backup directory, and fails after a change")
    void sha256sumChecksIt() throws Exception {
        assertEquals(0, sha256sumCheck(), "sha256sum -c SIGNATURE on a sealed backup");
        Files.writeString(backup.resolve("data/a/one.txt"), "changed\n");
        assertNotEquals(0, sha256sumCheck(), "sha256sum -c SIGNATURE after a change");
    }

    private int sha256sumCheck() throws Exception {
        Process p = new ProcessBuilder("sha256sum", "--quiet", "-c", "SIGNATURE").directory(backup.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        System.out.println("sha256sum -c: rc=" + rc + " " + out);
        return rc;
    }
}
