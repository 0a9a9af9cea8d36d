package org.resilient.archive.store;

import java.util.ArrayDeque;

/**
 * Arrays for chunks between the scanners, the compressors and the writer (raw copies waiting for compression,
 * compressed bytes waiting for their pack), reused in power-of-two sizes. A store used to allocate a fresh array per
 * chunk, over a gigabyte per gigabyte stored: the young collections that followed promoted whatever was in flight at
 * each of them, and the old generation filled with dead chunks, so a longer store ended with a larger resident set.
 * Reused arrays are allocated once and stay, whatever the size of the data. At most {@code maxBytes} of free arrays
 * are kept; an array given back beyond that is left to the collector.
 */
final class ChunkArrays {
    private static final int MIN_SHIFT = 12; // 4 KiB: smaller chunks (file tails) are allocated exactly, not kept
    private final ArrayDeque<byte[]>[] free;
    private final long maxBytes;
    private long freeBytes;

    /**
     * Creates a pool.
     *
     * @param largest the largest array to pool (the chunker's maximum chunk size: a compressed chunk is kept only
     *     when smaller than its raw bytes)
     * @param maxBytes the most bytes of free arrays to keep
     */
    @SuppressWarnings("unchecked") // Java has no generic array creation; every element is set to an ArrayDeque<byte[]>
    ChunkArrays(int largest, long maxBytes) {
        free = (ArrayDeque<byte[]>[]) new ArrayDeque<?>[sizeClass(largest) + 1];
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
        this.maxBytes = maxBytes;
    }

    /**
     * An array of at least {@code length} bytes (its content is not cleared).
     *
     * @param length the bytes needed
     * @return the array
     */
    byte[] take(int length) {
        int c = sizeClass(length);
        if (length < (1 << MIN_SHIFT) || c >= free.length) {
            return new byte[length];
        }
        synchronized (this) {
            byte[] a = free[c].pollLast();
            if (a != null) {
                freeBytes -= a.length;
                return a;
            }
        }
        return new byte[1 << (c + MIN_SHIFT)];
    }

    /**
     * Gives an array back; the caller must not use it afterwards.
     *
     * @param a an array from {@link #take}
     */
    void give(byte[] a) {
        int c = sizeClass(a.length);
        if (a.length != 1 << (c + MIN_SHIFT) || c >= free.length) {
            return; // allocated exactly: not one of ours
        }
        synchronized (this) {
            if (freeBytes + a.length <= maxBytes) {
                free[c].addLast(a);
                freeBytes += a.length;
            }
        }
    }

    /** Bytes held in free arrays now (for tests). */
    synchronized long freeBytes() {
        return freeBytes;
    }

    private static int sizeClass(int length) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, length) - 1); // ceil(log2(length))
        return Math.max(0, bits - MIN_SHIFT);
    }
}
