package org.resilient.archive.chunking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cut points are part of the archive format: a store must find the chunks earlier versions cut, or deduplication
 * against their generations is lost. {@link FastCdc#cut} is checked against the plain byte-by-byte definition.
 */
class FastCdcTest {
    private static final long SEED = 0x5EED_C0DE_2026L;

    /** The definition: gear hash from {@code min}, the small mask up to {@code avg}, the large one after it. */
    private static int reference(long[] gear, int min, int avg, int max, byte[] b, int off, int n) {
        if (n <= min) {
            return n;
        }
        int bits = Integer.numberOfTrailingZeros(avg);
        long small = -1L << (64 - (bits + 2));
        long large = -1L << (64 - (bits - 2));
        int end = Math.min(n, max);
        long h = 0;
        for (int i = min; i < end; i++) {
            h = (h << 1) + gear[b[off + i] & 0xff];
            if ((h & (i < Math.min(avg, end) ? small : large)) == 0) {
                return i + 1;
            }
        }
        return end;
    }

    private static long[] gear(long seed) {
        long[] g = new long[256];
        long x = seed;
        for (int i = 0; i < 256; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            g[i] = z ^ (z >>> 31);
        }
        return g;
    }

    /** Random bytes, dump-like text and long runs of one byte (which reach the maximum size). */
    private static byte[] data(int size, long seed) {
        Random r = new Random(seed);
        byte[] d = new byte[size];
        int i = 0;
        while (i < size) {
            int len = Math.min(size - i, 1 + r.nextInt(700_000));
            switch (r.nextInt(3)) {
                case 0 -> {
                    byte[] part = new byte[len];
                    r.nextBytes(part);
                    System.arraycopy(part, 0, d, i, len);
                }
                case 1 -> {
                    String text = "0123456789\t,abcdefghij\n";
                    for (int k = 0; k < len; k++) {
                        d[i + k] = (byte) text.charAt(r.nextInt(text.length()));
                    }
                }
                default -> Arrays.fill(d, i, i + len, (byte) r.nextInt(256));
            }
            i += len;
        }
        return d;
    }

    /** Checks every cut of the data; returns how many chunks reached the maximum size. */
    private static int assertSameCuts(int min, int avg, int max, byte[] d) {
        FastCdc cdc = new FastCdc(min, avg, max, SEED);
        long[] g = gear(SEED);
        List<Integer> lengths = new ArrayList<>();
        int reachedMax = 0;
        for (int off = 0; off < d.length; ) {
            int expected = reference(g, min, avg, max, d, off, d.length - off);
            assertEquals(expected, cdc.cut(d, off, d.length - off), "cut at offset " + off);
            lengths.add(expected);
            reachedMax += expected == max ? 1 : 0;
            off += expected;
        }
        assertTrue(lengths.size() > 10, "too few chunks to mean anything: " + lengths.size());
        return reachedMax;
    }

    @Test
    void defaultSizesCutWhereTheDefinitionCuts() {
        assertTrue(assertSameCuts(32 << 10, 128 << 10, 512 << 10, data(24 << 20, 1)) > 0,
                "no chunk reached the maximum size");
    }

    @Test
    void smallSizesCutWhereTheDefinitionCuts() {
        // avg - min below 64 bytes, and chunks whose second phase starts right after min.
        int reachedMax = assertSameCuts(64, 128, 256, data(1 << 20, 2))
                + assertSameCuts(100, 128, 1024, data(1 << 20, 3))
                + assertSameCuts(4096, 8192, 65536, data(4 << 20, 4));
        assertTrue(reachedMax > 0, "no chunk reached the maximum size");
    }

    @Test
    void everyLengthUpToTheMaximumAtTheEndOfTheData() {
        FastCdc cdc = new FastCdc(64, 256, 1024, SEED);
        long[] g = gear(SEED);
        byte[] d = data(4096, 5);
        for (int n = 0; n <= 2048; n++) {
            assertEquals(reference(g, 64, 256, 1024, d, 7, n), cdc.cut(d, 7, n), "n=" + n);
        }
    }
}
