package org.resilient.support.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Sha256")
class Sha256Test {
    // FIPS 180-2 test vectors.
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path tmp;

    @Test
    @DisplayName("hashes bytes and byte ranges to the standard values, also one call after another on a thread")
    void vectors() {
        assertEquals(EMPTY, Sha256.of(new byte[0]));
        assertEquals(ABC, Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ABC, Sha256.hex(Sha256.sha256("xxabcyy".getBytes(StandardCharsets.US_ASCII), 2, 3)));
        assertEquals(EMPTY, Sha256.of(new byte[0]), "the per-thread digest starts afresh");
    }

    @Test
    @DisplayName("a file larger than the read buffer hashes like its bytes")
    void file() throws Exception {
        byte[] data = new byte[(1 << 20) * 2 + 12345];
        new Random(7).nextBytes(data);
        Path f = Files.write(tmp.resolve("f"), data);
        assertEquals(Sha256.of(data), Sha256.of(f));
        assertEquals(Sha256.hex(Sha256.newDigest().digest(data)), Sha256.of(f));
    }

    @Test
    @DisplayName("hex round-trips, and hash words are big-endian longs both ways")
    void hexAndWords() {
        byte[] h = Sha256.unhex(ABC);
        assertEquals(ABC, Sha256.hex(h));
        assertEquals(0xba7816bf8f01cfeaL, Sha256.word(h, 0));
        byte[] back = new byte[8];
        Sha256.putWord(back, 0, Sha256.word(h, 8));
        assertArrayEquals(java.util.Arrays.copyOfRange(h, 8, 16), back);
    }
}
