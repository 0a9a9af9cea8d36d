package org.resilient.archive.prune;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RetentionPolicy;
import org.resilient.archive.index.IndexFile;
import org.resilient.archive.index.PackSlots;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackFormat;
import org.resilient.archive.pack.PackReader;
import org.resilient.archive.pack.PackWriter;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.restore.PackChannels;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the generations a policy does not keep and reclaims space without rewriting what it need not:
 * packs no kept generation uses are deleted whole; only packs with more than the threshold of dead bytes are
 * rewritten (their live chunks copied as stored, after checking their hash); all other packs stay as they
 * are. The cost is reading the kept generations' trees plus rewriting the sparse packs.
 *
 * <p>Crash order: generation files first (a crash then leaves only unreferenced chunks), new packs, a full
 * index file, then the old index files, and the old packs last, so no index ever names a deleted pack.
 */
public final class Pruner {
    private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);

    private final Layout layout;
    private final RepoIndex index;
    private final long packSize;
    private final int repackThreshold;
    private final OperationContext context;

    /**
     * Prepares a prune.
     *
     * @param layout the archive
     * @param index its freshly loaded index
     * @param packSize target size of new packs
     * @param repackThreshold percent of dead bytes above which a pack is rewritten
     * @param context cancellation and the clock
     */
    public Pruner(Layout layout, RepoIndex index, long packSize, int repackThreshold, OperationContext context) {
        this.layout = layout;
        this.index = index;
        this.packSize = packSize;
        this.repackThreshold = repackThreshold;
        this.context = context;
    }

    /**
     * Prunes.
     *
     * @param policy what to keep
     * @param generations the readable generations
     * @param unreadable generation files that cannot be read
     * @return what was removed
     * @throws IOException on failure
     */
    public PruneResult prune(RetentionPolicy policy, List<Generation> generations, List<Path> unreadable)
            throws IOException {
        if (!unreadable.isEmpty()) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "prune refused: the generation file(s) "
                    + unreadable + " cannot be read, so the chunks they use are unknown and deleting data could "
                    + "lose them. Check them with 'resilient archive verify'; move a damaged file away (it cannot be"
                    + " restored anyway) and prune again");
        }
        Set<String> keep = policy.keep(generations, context.clock().instant());
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Generation g : generations) {
            (keep.contains(g.id()) ? kept : removed).add(g.id());
        }
        BitSet live = new BitSet(index.chunks().capacity());
        for (String id : kept) {
            context.cancellation().throwIfCancelled("prune");
            mark(id, live);
        }
        long reclaimed = 0;
        for (String id : removed) {
            Path f = layout.generation(id);
            reclaimed += Files.size(f);
            Files.delete(f);
            LOG.info("removed generation {}", id);
        }
        AtomicFiles.fsyncDirectory(layout.generations());

        int[][] byPack = PackSlots.byPack(index);
        List<Integer> delete = new ArrayList<>();
        List<Integer> repack = new ArrayList<>();
        List<PackEntries> keepEntries = new ArrayList<>();
        for (int p = 0; p < byPack.length; p++) {
            RepoIndex.PackState state = index.packState(p);
            if (state == RepoIndex.PackState.UNREADABLE) {
                continue; // left for the operator: verify reports it
            }
            long liveBytes = 0;
            int liveCount = 0;
            for (int s : byPack[p]) {
                if (live.get(s)) {
                    liveBytes += index.chunks().storedLength(s);
                    liveCount++;
                }
            }
            if (state != RepoIndex.PackState.OK) {
                keepEntries.add(PackSlots.entries(index, p, byPack[p])); // keep damage visible and precise
                continue;
            }
            long size = index.packSize(p);
            long dead = size - PackFormat.HEADER - (long) liveCount * PackFormat.ENTRY - PackFormat.TAIL - liveBytes;
            if (liveCount == 0) {
                delete.add(p);
            } else if (dead * 100 > (long) repackThreshold * size) {
                repack.add(p);
            } else {
                keepEntries.add(PackSlots.entries(index, p, live(byPack[p], live)));
            }
        }
        long written = 0;
        List<Integer> failedRepack = new ArrayList<>();
        if (!repack.isEmpty()) {
            written = repack(repack, byPack, live, keepEntries, failedRepack);
        }
        Path full = layout.index().resolve("full-" + String.format("%013d", context.clock().millis()) + ".idx");
        IndexFile.write(full, keepEntries);
        for (Path old : index.indexFiles()) {
            if (!old.equals(full)) {
                Files.deleteIfExists(old);
            }
        }
        AtomicFiles.fsyncDirectory(layout.index());
        List<Integer> gone = new ArrayList<>(delete);
        repack.stream().filter(p -> !failedRepack.contains(p)).forEach(gone::add);
        for (int p : gone) {
            Path f = layout.pack(index.packName(p));
            reclaimed += Files.size(f);
            Files.delete(f);
        }
        AtomicFiles.fsyncDirectory(layout.packs());
        // Records of damaged copies in packs now deleted (their live chunks were written again elsewhere) go too.
        org.resilient.archive.index.DamagedChunks.forget(layout, name -> Files.exists(layout.pack(name)));
        reclaimed -= written;
        LOG.info("prune: removed {} generations, deleted {} packs, rewrote {}, reclaimed {} bytes", removed.size(),
                delete.size(), repack.size() - failedRepack.size(), reclaimed);
        return new PruneResult(removed, kept, reclaimed);
    }

    private void mark(String id, BitSet live) throws IOException {
        // Closed at once: each open tree holds a native zstd decompressor until then.
        try (TreeReader tree = GenerationFile.openTree(layout.generation(id))) {
            for (TreeEntry e = tree.next(); e != null; e = tree.next()) {
                for (int i = 0; i < e.chunkCount(); i++) {
                    int slot = index.chunks().find(e.hash(i));
                    if (slot >= 0) {
                        live.set(slot);
                    }
                }
            }
        } catch (PackDamagedException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "prune refused: generation " + id
                    + " is kept but cannot be read (" + e.getMessage() + "); run 'resilient archive verify'", e);
        }
    }

    private static int[] live(int[] slots, BitSet live) {
        return java.util.Arrays.stream(slots).filter(live::get).toArray();
    }

    private long repack(List<Integer> packs, int[][] byPack, BitSet live, List<PackEntries> keepEntries,
                        List<Integer> failed) throws IOException {
        long written = 0;
        PackWriter w = null;
        try (PackChannels channels = new PackChannels(layout, index)) {
            byte[] out = new byte[1 << 20];
            for (int p : packs) {
                context.cancellation().throwIfCancelled("prune");
                int[] slots = live(byPack[p], live);
                boolean ok = true;
                List<byte[]> storedChunks = new ArrayList<>();
                for (int s : slots) {
                    int raw = index.chunks().rawLength(s);
                    if (out.length < raw) {
                        out = new byte[raw];
                    }
                    int stored = index.chunks().storedLength(s);
                    ByteBuffer b = ByteBuffer.allocate(stored);
                    long off = index.chunks().offset(s);
                    while (b.hasRemaining()) {
                        if (channels.get(p).read(b, off + b.position()) < 0) {
                            break;
                        }
                    }
                    try {
                        PackReader.decode(b.array(), stored, raw, index.chunks().compressed(s), index.chunks().hash(s),
                                out, 0);
                    } catch (PackDamagedException e) {
                        LOG.warn("pack {} has a damaged chunk ({}); it is kept as it is, not rewritten",
                                index.packName(p), e.getMessage());
                        org.resilient.archive.index.DamagedChunks.record(layout, index.packName(p),
                                index.chunks().hash(s), 0);
                        ok = false;
                        break;
                    }
                    storedChunks.add(b.array());
                }
                if (!ok) {
                    failed.add(p);
                    keepEntries.add(PackSlots.entries(index, p, byPack[p]));
                    continue;
                }
                for (int i = 0; i < slots.length; i++) {
                    int s = slots[i];
                    if (w == null) {
                        w = new PackWriter(layout.packs());
                    }
                    byte[] st = storedChunks.get(i);
                    w.append(index.chunks().hash(s), st, st.length, index.chunks().rawLength(s),
                            index.chunks().compressed(s));
                    if (w.size() >= packSize) {
                        written += w.finish();
                        keepEntries.add(w.entries());
                        w = null;
                    }
                }
            }
            if (w != null) {
                written += w.finish();
                keepEntries.add(w.entries());
                w = null;
            }
        } finally {
            if (w != null) {
                w.close();
            }
        }
        return written;
    }
}
