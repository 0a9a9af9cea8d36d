package org.resilient.archive.restore;

import java.util.ArrayList;
import java.util.List;
import org.resilient.api.Damage;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.tree.TreeEntry;

/**
 * Finds, without reading data, the chunks of a file that cannot be restored (not in any pack, or in a pack
 * that is missing or of the wrong size), as damage merged into ranges by file offset.
 */
public final class ChunkProblems {

    /** Tells why a chunk is bad, or null if it is fine. */
    @FunctionalInterface
    public interface Check {
        /**
         * Checks one chunk.
         *
         * @param slot its slot, or -1 if it is in no pack
         * @return why it is damaged, or null
         */
        String problem(int slot);
    }

    private ChunkProblems() {
    }

    /**
     * The structural problem of a chunk: absent, or in a pack that is not whole.
     *
     * @param index the index
     * @param slot the slot, or -1
     * @return the problem or null
     */
    public static String structural(RepoIndex index, int slot) {
        if (slot < 0) {
            return "chunk is in no pack (its pack is missing and no index lists it)";
        }
        RepoIndex.PackState s = index.packState(index.chunks().pack(slot));
        return switch (s) {
            case OK, WRITING -> index.damaged(slot) ? "chunk was found damaged when it was read; a store of data that "
                    + "has it writes it again, or run 'resilient archive repair --from DIR'" : null;
            case MISSING -> "pack is missing";
            case WRONG_SIZE -> "pack has the wrong size (truncated?)";
            case UNREADABLE -> "pack is unreadable";
        };
    }

    /**
     * Checks every chunk of a file and reports damaged ranges.
     *
     * @param generationId the generation
     * @param e the file
     * @param index the index
     * @param check the per-chunk check
     * @return damage, merged into ranges of consecutive bad chunks
     */
    public static List<Damage> scan(String generationId, TreeEntry e, RepoIndex index, Check check) {
        List<Damage> out = new ArrayList<>();
        long offset = 0;
        long rangeStart = -1;
        long rangeBytes = 0;
        String rangeWhy = null;
        String rangePack = null;
        for (int i = 0; i < e.chunkCount(); i++) {
            int slot;
            synchronized (index) {
                slot = index.chunks().find(e.hashes(), i * 32);
            }
            String why = check.problem(slot);
            if (why != null) {
                String pack = slot < 0 ? null : "packs/" + index.packName(index.chunks().pack(slot)) + ".pack";
                if (rangeStart >= 0 && why.equals(rangeWhy) && java.util.Objects.equals(pack, rangePack)) {
                    rangeBytes += e.lengths()[i];
                } else {
                    flush(out, generationId, e, rangeStart, rangeBytes, rangePack, rangeWhy);
                    rangeStart = offset;
                    rangeBytes = e.lengths()[i];
                    rangeWhy = why;
                    rangePack = pack;
                }
            } else {
                flush(out, generationId, e, rangeStart, rangeBytes, rangePack, rangeWhy);
                rangeStart = -1;
            }
            offset += e.lengths()[i];
        }
        flush(out, generationId, e, rangeStart, rangeBytes, rangePack, rangeWhy);
        return out;
    }

    private static void flush(List<Damage> out, String gen, TreeEntry e, long start, long bytes, String pack,
                              String why) {
        if (start >= 0) {
            out.add(new Damage(gen, e.path(), start, pack, bytes + " bytes unreadable: " + why));
        }
    }
}
