package org.resilient.archive.chunking;

/**
 * Content-defined chunking with a gear hash and FastCDC's normalized chunking: no cut before {@code min}
 * bytes (those bytes are not even hashed), a harder cut condition before {@code avg} and an easier one
 * after it, a forced cut at {@code max}. Cut points depend only on the content of the last 64 bytes, so an
 * edit moves at most the boundaries next to it and every other chunk is found again.
 */
public final class FastCdc {
    private final long[] gear = new long[256];
    private final int min;
    private final int avg;
    private final int max;
    private final long maskSmall;
    private final long maskLarge;

    /**
     * Creates a chunker.
     *
     * @param min minimum chunk size
     * @param avg target average size (a power of two)
     * @param max maximum chunk size
     * @param seed seed of the gear table (stored in the archive's config so that boundaries never change)
     */
    public FastCdc(int min, int avg, int max, long seed) {
        if (min < 64 || avg <= min || max <= avg || Integer.bitCount(avg) != 1) {
            throw new IllegalArgumentException("chunk sizes must satisfy 64 <= min < avg < max and avg a power of two");
        }
        this.min = min;
        this.avg = avg;
        this.max = max;
        int bits = Integer.numberOfTrailingZeros(avg);
        // The gear hash shifts left, so its high bits cover the most recent 64 bytes: cut on high bits.
        maskSmall = -1L << (64 - (bits + 2));
        maskLarge = -1L << (64 - (bits - 2));
        long x = seed;
        for (int i = 0; i < 256; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            gear[i] = z ^ (z >>> 31);
        }
    }

    /**
     * The maximum chunk size.
     *
     * @return bytes
     */
    public int max() {
        return max;
    }

    /**
     * Finds the length of the next chunk. The caller must pass at least {@link #max()} bytes unless the
     * data ends sooner.
     *
     * @param b data
     * @param off start of the chunk
     * @param n bytes available from {@code off}
     * @return the chunk length, between 1 and {@code min(n, max)}
     */
    public int cut(byte[] b, int off, int n) {
        if (n <= min) {
            return n;
        }
        int end = Math.min(n, max);
        int normal = Math.min(avg, end);
        long h = 0;
        long[] g = gear;
        int i = min;
        for (; i < normal; i++) {
            h = (h << 1) + g[b[off + i] & 0xff];
            if ((h & maskSmall) == 0) {
                return i + 1;
            }
        }
        for (; i < end; i++) {
            h = (h << 1) + g[b[off + i] & 0xff];
            if ((h & maskLarge) == 0) {
                return i + 1;
            }
        }
        return end;
    }
}
