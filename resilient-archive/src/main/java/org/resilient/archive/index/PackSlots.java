package org.resilient.archive.index;

import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackFormat;

/** The chunks of the index grouped by pack: for reading packs in order (verify) and writing index files (prune). */
public final class PackSlots {
    private PackSlots() {
    }

    /**
     * The slots of every pack's chunks, each pack's sorted by offset.
     *
     * @param index the index
     * @return per pack number, the slots
     */
    public static int[][] byPack(RepoIndex index) {
        ChunkIndex chunks = index.chunks();
        int packs = index.packCount();
        int[] counts = new int[packs];
        for (int s = 0; s < chunks.capacity(); s++) {
            if (chunks.occupied(s)) {
                counts[chunks.pack(s)]++;
            }
        }
        int[][] out = new int[packs][];
        for (int p = 0; p < out.length; p++) {
            out[p] = new int[counts[p]];
            counts[p] = 0;
        }
        for (int s = 0; s < chunks.capacity(); s++) {
            if (chunks.occupied(s)) {
                int p = chunks.pack(s);
                out[p][counts[p]++] = s;
            }
        }
        for (int[] slots : out) {
            long[] keyed = new long[slots.length];
            for (int i = 0; i < slots.length; i++) {
                keyed[i] = (chunks.offset(slots[i]) << 23) | i;
            }
            java.util.Arrays.sort(keyed);
            int[] copy = slots.clone();
            for (int i = 0; i < slots.length; i++) {
                slots[i] = copy[(int) (keyed[i] & ((1 << 23) - 1))];
            }
        }
        return out;
    }

    /**
     * The entries of a pack as the index holds them (for writing a new index file).
     *
     * @param index the index
     * @param pack the pack number
     * @param slots its slots, sorted by offset
     * @return the entries
     */
    public static PackEntries entries(RepoIndex index, int pack, int[] slots) {
        ChunkIndex chunks = index.chunks();
        int n = slots.length;
        byte[] hashes = new byte[n * 32];
        long[] offsets = new long[n];
        int[] stored = new int[n];
        int[] raw = new int[n];
        byte[] flags = new byte[n];
        for (int i = 0; i < n; i++) {
            int s = slots[i];
            System.arraycopy(chunks.hash(s), 0, hashes, i * 32, 32);
            offsets[i] = chunks.offset(s);
            stored[i] = chunks.storedLength(s);
            raw[i] = chunks.rawLength(s);
            flags[i] = (byte) (chunks.compressed(s) ? PackFormat.FLAG_ZSTD : 0);
        }
        return new PackEntries(index.packName(pack), index.packSize(pack), hashes, offsets, stored, raw, flags);
    }
}
