package org.resilient.archive.chunking;

import java.util.Arrays;
import org.resilient.support.hash.Sha256;

/**
 * The chunk list of a file's previous version, as a guide for cutting the new version: where the content is
 * unchanged, the next chunk is the previous version's next chunk, which a single SHA-256 over that range
 * confirms without running the rolling hash over it.
 *
 * <p>A database dump is rewritten whole every time but is mostly the same bytes: guided, an unchanged file
 * costs one hash pass instead of a rolling hash plus a hash. Where the content changed, cutting falls back to
 * content-defined chunking, and every chunk cut is looked up here so that guidance resumes as soon as the
 * content is the same again. Holds 12 bytes per chunk besides the list itself, only while its file is read.
 */
public final class PreviousChunks {
    private final byte[] hashes;
    private final int[] lengths;
    private final long[] keys;
    private final int[] slots;
    private final int mask;

    private PreviousChunks(byte[] hashes, int[] lengths) {
        this.hashes = hashes;
        this.lengths = lengths;
        int cap = Integer.highestOneBit(Math.max(4, lengths.length * 2 - 1)) << 1;
        keys = new long[cap];
        slots = new int[cap];
        mask = cap - 1;
        for (int i = 0; i < lengths.length; i++) {
            long k = Sha256.word(hashes, i * 32);
            int s = home(k);
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            keys[s] = k;
            slots[s] = i + 1;
        }
    }

    /**
     * Builds the guide from a chunk list.
     *
     * @param hashes 32 bytes per chunk
     * @param lengths the length of each chunk
     * @return the guide
     * @throws IllegalArgumentException if the arrays do not match
     */
    public static PreviousChunks of(byte[] hashes, int[] lengths) {
        if (hashes.length != lengths.length * 32) {
            throw new IllegalArgumentException("a chunk list needs 32 bytes of hash per chunk");
        }
        return new PreviousChunks(hashes, lengths);
    }

    /**
     * The number of chunks.
     *
     * @return the count
     */
    public int count() {
        return lengths.length;
    }

    /**
     * The length of chunk {@code i}.
     *
     * @param i the chunk
     * @return its length
     */
    public int length(int i) {
        return lengths[i];
    }

    /**
     * Whether chunk {@code i} has this hash.
     *
     * @param i the chunk
     * @param sha256 a hash
     * @return true if equal
     */
    public boolean matches(int i, byte[] sha256) {
        return Arrays.equals(hashes, i * 32, i * 32 + 32, sha256, 0, 32);
    }

    /**
     * Finds a chunk by hash.
     *
     * @param sha256 the hash
     * @return the index of the first chunk with this hash in the list, or -1
     */
    public int find(byte[] sha256) {
        long k = Sha256.word(sha256, 0);
        int best = -1;
        for (int s = home(k); slots[s] != 0; s = (s + 1) & mask) {
            int i = slots[s] - 1;
            if (keys[s] == k && matches(i, sha256) && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private int home(long k) {
        return (int) (k ^ (k >>> 29)) & mask;
    }
}
