package org.resilient.archive.store;

import org.resilient.archive.index.RepoIndex;

/**
 * The archive's index as the threads of one store share it: the scanners ask which chunks it already holds while
 * the writer and the pack finisher add to it. Every access holds the index's monitor.
 */
final class StoreIndex {
    private final RepoIndex index;

    StoreIndex(RepoIndex index) {
        this.index = index;
    }

    /** The index itself, for the steps that run once no other thread uses it. */
    RepoIndex index() {
        return index;
    }

    /** Whether the archive already holds a usable copy of a chunk (in the index, its pack whole). */
    boolean holds(byte[] hash) {
        synchronized (index) {
            int slot = index.chunks().find(hash);
            return slot >= 0 && index.usable(slot);
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
