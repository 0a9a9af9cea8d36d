package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

@DisplayName("a resumed file is hashed from disk while its rest is written: the kept part, then each block appended")
class ResumeHasherTest {
    @TempDir
    Path tmp;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    @DisplayName("the digest is the whole file's, read back while another thread appends blocks")
    void hashesKeptPartThenWhatArrives() throws Exception {
        byte[] whole = random(3 * FileSink.BLOCK + 123);
        int kept = FileSink.BLOCK + 7;
        Path f = tmp.resolve("f");
        Files.write(f, java.util.Arrays.copyOf(whole, kept));
        MessageDigest digest = Fs.sha256();
        ResumeHasher hasher = new ResumeHasher(f, kept, digest, () -> { });
        CompletableFuture<Long> hashed = CompletableFuture.supplyAsync(() -> {
            try {
                return hasher.run();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            for (int pos = kept; pos < whole.length; pos += 1000) {
                int n = Math.min(1000, whole.length - pos);
                ch.write(ByteBuffer.wrap(whole, pos, n), pos);
                hasher.written(n);
            }
        }
        hasher.end();
        assertEquals(whole.length, hashed.get(30, TimeUnit.SECONDS), "bytes hashed");
        assertFalse(hasher.abandoned());
        assertArrayEquals(Fs.sha256().digest(whole), digest.digest(), "the digest of the whole file");
    }

    @Test
    @DisplayName("a transfer that ends at once leaves the digest of the kept part; abandon() stops without waiting")
    void endAndAbandon() throws Exception {
        byte[] kept = random(5000);
        Path f = tmp.resolve("f");
        Files.write(f, kept);
        MessageDigest digest = Fs.sha256();
        ResumeHasher ended = new ResumeHasher(f, kept.length, digest, () -> { });
        ended.end();
        assertEquals(kept.length, ended.run());
        assertArrayEquals(Fs.sha256().digest(kept), digest.digest());

        ResumeHasher abandoned = new ResumeHasher(f, kept.length, Fs.sha256(), () -> { });
        abandoned.abandon();
        assertTrue(abandoned.run() < kept.length, "an abandoned hasher hashes nothing more");
        assertTrue(abandoned.abandoned());
    }

    @Test
    @DisplayName("a cancelled transfer stops the hashing with the cancellation")
    void cancelled() throws IOException {
        Path f = tmp.resolve("f");
        Files.write(f, random(2 * FileSink.BLOCK));
        ResumeHasher hasher = new ResumeHasher(f, 2 * FileSink.BLOCK, Fs.sha256(), () -> {
            throw new ResilienceException(ErrorCode.CANCELLED, "cancelled");
        });
        hasher.end();
        ResilienceException e = assertThrows(ResilienceException.class, hasher::run);
        assertEquals(ErrorCode.CANCELLED, e.code());
    }
}
