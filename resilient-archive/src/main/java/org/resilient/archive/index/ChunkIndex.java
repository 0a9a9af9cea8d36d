package org.resilient.archive.index;

import org.resilient.support.hash.Sha256;

/**
 * The in-memory index of every chunk of the archive: SHA-256 to (pack, offset, stored length, raw length).
 *
 * <p>A compact open-addressing table of primitive arrays: 4 longs of hash and 2 longs of location per slot
 * (48 bytes), grown by 1.5x at a load of 0.8, so a chunk costs 60 to 90 bytes of heap, with no object per
 * chunk. Not thread-safe for writes: callers synchronize while anyone adds chunks; once no more are added
 * (as during a restore), any number of threads may call the read methods.
 */
public final class ChunkIndex {
    private static final double MAX_LOAD = 0.8;
    private static final long OFFSET_MASK = (1L << 40) - 1;

    private long[] keys;
    private long[] vals;
    private int capacity;
    private int size;

    /** Creates an empty index. */
    public ChunkIndex() {
        this(1024);
    }

    /**
     * Creates an empty index sized for some chunks.
     *
     * @param expected how many chunks it will probably hold
     */
    public ChunkIndex(int expected) {
        allocate(Math.max(16, (int) (expected / MAX_LOAD) + 1));
    }

    private void allocate(int cap) {
        capacity = cap;
        keys = new long[cap * 4];
        vals = new long[cap * 2];
        size = 0;
    }

    /**
     * The number of chunks held.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * The number of slots (for iteration with {@link #occupied(int)}).
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Finds a chunk.
     *
     * @param hash the 32-byte SHA-256
     * @return its slot, or -1
     */
    public int find(byte[] hash) {
        return find(hash, 0);
    }

    /**
     * Finds a chunk by a hash stored inside a larger array (a file's chunk list), without copying it out.
     *
     * @param hashes the array
     * @param offset where the 32-byte SHA-256 starts
     * @return its slot, or -1
     */
    public int find(byte[] hashes, int offset) {
        long k0 = Sha256.word(hashes, offset);
        long k1 = Sha256.word(hashes, offset + 8);
        long k2 = Sha256.word(hashes, offset + 16);
        long k3 = Sha256.word(hashes, offset + 24);
        int slot = home(k0);
        while (true) {
            if (vals[slot * 2 + 1] == 0) {
                return -1;
            }
            int k = slot * 4;
            if (keys[k] == k0 && keys[k + 1] == k1 && keys[k + 2] == k2 && keys[k + 3] == k3) {
                return slot;
            }
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
    }

    /**
     * Adds or replaces a chunk's location.
     *
     * @param hash the 32-byte SHA-256
     * @param pack the pack number
     * @param offset offset of the stored bytes in the pack
     * @param storedLength length of the stored bytes
     * @param rawLength length of the chunk's content
     * @param compressed whether the stored bytes are zstd-compressed
     * @return the slot
     */
    public int put(byte[] hash, int pack, long offset, int storedLength, int rawLength, boolean compressed) {
        return put(hash, 0, pack, offset, storedLength, rawLength, compressed);
    }

    /**
     * Adds or replaces a chunk's location, its hash taken from inside a larger array (a pack's entries).
     *
     * @param hashes the array
     * @param at where the 32-byte SHA-256 starts
     * @param pack the pack number (below 2^24)
     * @param offset the offset in the pack (below 2^40)
     * @param storedLength the stored length
     * @param rawLength the raw length (positive)
     * @param compressed whether it is zstd
     * @return the slot
     */
    public int put(byte[] hashes, int at, int pack, long offset, int storedLength, int rawLength,
                   boolean compressed) {
        if (rawLength <= 0 || storedLength < 0 || pack < 0 || pack >= (1 << 24) || offset > OFFSET_MASK) {
            throw new IllegalArgumentException("chunk location out of range");
        }
        if (size + 1 > capacity * MAX_LOAD) {
            grow();
        }
        long k0 = Sha256.word(hashes, at);
        int slot = home(k0);
        long k1 = Sha256.word(hashes, at + 8);
        long k2 = Sha256.word(hashes, at + 16);
        long k3 = Sha256.word(hashes, at + 24);
        while (vals[slot * 2 + 1] != 0) {
            int k = slot * 4;
            if (keys[k] == k0 && keys[k + 1] == k1 && keys[k + 2] == k2 && keys[k + 3] == k3) {
                break;
            }
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
        int k = slot * 4;
        if (vals[slot * 2 + 1] == 0) {
            size++;
        }
        keys[k] = k0;
        keys[k + 1] = k1;
        keys[k + 2] = k2;
        keys[k + 3] = k3;
        vals[slot * 2] = ((long) pack << 40) | offset;
        vals[slot * 2 + 1] = ((long) rawLength << 32) | (compressed ? 0x80000000L : 0) | (storedLength & 0x7fffffffL);
        return slot;
    }

    private int home(long k0) {
        // Lemire's multiply-shift range reduction: any capacity, no modulo.
        return (int) (((k0 >>> 32) * capacity) >>> 32);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldVals = vals;
        int oldCap = capacity;
        int oldSize = size;
        allocate((int) Math.min(Integer.MAX_VALUE / 4 - 8, (long) (oldCap * 1.5) + 1));
        for (int s = 0; s < oldCap; s++) {
            if (oldVals[s * 2 + 1] != 0) {
                int slot = home(oldKeys[s * 4]);
                while (vals[slot * 2 + 1] != 0) {
                    slot = slot + 1 == capacity ? 0 : slot + 1;
                }
                System.arraycopy(oldKeys, s * 4, keys, slot * 4, 4);
                vals[slot * 2] = oldVals[s * 2];
                vals[slot * 2 + 1] = oldVals[s * 2 + 1];
            }
        }
        size = oldSize;
    }

    /**
     * Whether a slot holds a chunk.
     *
     * @param slot the slot
     * @return true if occupied
     */
    public boolean occupied(int slot) {
        return vals[slot * 2 + 1] != 0;
    }

    /**
     * The hash held in a slot.
     *
     * @param slot the slot
     * @return a new 32-byte array
     */
    public byte[] hash(int slot) {
        byte[] h = new byte[32];
        for (int i = 0; i < 4; i++) {
            Sha256.putWord(h, i * 8, keys[slot * 4 + i]);
        }
        return h;
    }

    /**
     * The pack number of a chunk.
     *
     * @param slot the slot
     * @return the pack number
     */
    public int pack(int slot) {
        return (int) (vals[slot * 2] >>> 40);
    }

    /**
     * The offset of a chunk in its pack.
     *
     * @param slot the slot
     * @return the offset
     */
    public long offset(int slot) {
        return vals[slot * 2] & OFFSET_MASK;
    }

    /**
     * The stored length of a chunk.
     *
     * @param slot the slot
     * @return bytes in the pack
     */
    public int storedLength(int slot) {
        return (int) (vals[slot * 2 + 1] & 0x7fffffffL);
    }

    /**
     * The raw length of a chunk.
     *
     * @param slot the slot
     * @return bytes of content
     */
    public int rawLength(int slot) {
        return (int) (vals[slot * 2 + 1] >>> 32);
    }

    /**
     * Whether a chunk is stored compressed.
     *
     * @param slot the slot
     * @return true for zstd
     */
    public boolean compressed(int slot) {
        return (vals[slot * 2 + 1] & 0x80000000L) != 0;
    }

    /**
     * Heap bytes used by the table (for the memory target).
     *
     * @return bytes
     */
    public long heapBytes() {
        return (long) keys.length * 8 + (long) vals.length * 8;
    }
}
