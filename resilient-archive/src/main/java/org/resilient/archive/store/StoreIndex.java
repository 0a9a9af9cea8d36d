package org.resilient.archive.store;

import org.resilient.archive.index.RepoIndex;

/**
 * The archive's index as the threads of one store share it: the scanners ask which chunks it already holds while
 * the writer and the pack finisher add to it. Every access holds the index's monitor.
 */
final class StoreIndex {
    private final RepoIndex index;

    // Chunks of packs left by an interrupted store that this store uses, counted once each as its new bytes.
    private final java.util.Set<java.nio.ByteBuffer> leftoverUsed = new java.util.HashSet<>();

    // A repair writes only these chunks (the damaged and missing ones); null for a store, which writes any chunk
    // the archive lacks.
    private final java.util.function.Predicate<byte[]> only;

    StoreIndex(RepoIndex index, java.util.function.Predicate<byte[]> only) {
        this.index = index;
        this.only = only;
    }

    /**
     * The raw length of a chunk the index holds in a pack left by an interrupted store, the first time this store
     * uses it, else 0: such chunks are new to the archive's generations though no pack has to be written for them.
     */
    long firstUseOfLeftover(byte[] hash) {
        synchronized (index) {
            int slot = index.chunks().find(hash);
            if (slot < 0 || !index.leftover(index.chunks().pack(slot))
                    || !leftoverUsed.add(java.nio.ByteBuffer.wrap(hash.clone()))) {
                return 0;
            }
            return index.chunks().rawLength(slot);
        }
    }

    /** The index itself, for the steps that run once no other thread uses it. */
    RepoIndex index() {
        return index;
    }

    /**
     * Whether the archive already holds a usable copy of a chunk (in the index, its pack whole, and not found
     * damaged: a store writes such a chunk again rather than reference damaged bytes).
     */
    boolean holds(byte[] hash) {
        if (only != null && !only.test(hash)) {
            return true; // a repair leaves every other chunk alone
        }
        synchronized (index) {
            int slot = index.chunks().find(hash);
            return slot >= 0 && index.usable(slot) && !index.damaged(slot);
        }
    }

    /** Registers a pack being written; returns its number. */
    int addPack(String name) {
        synchronized (index) {
            return index.addPack(name, RepoIndex.PackState.WRITING, 0);
        }
    }

    /** Records a chunk appended to a pack being written. */
    void addChunk(byte[] hash, int pack, long offset, int storedLength, int rawLength, boolean compressed) {
        synchronized (index) {
            index.addChunk(hash, pack, offset, storedLength, rawLength, compressed);
        }
    }

    /** Marks a pack finished: on disk under its final name, with its size. */
    void packFinished(int pack, long size) {
        synchronized (index) {
            index.setPack(pack, RepoIndex.PackState.OK, size);
        }
    }
}
