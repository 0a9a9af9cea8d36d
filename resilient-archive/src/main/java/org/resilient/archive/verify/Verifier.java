package org.resilient.archive.verify;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.archive.index.ChunkCheck;
import org.resilient.archive.index.DamagedChunks;
import org.resilient.archive.index.PackSlots;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackReader;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.restore.ChunkProblems;
import org.resilient.archive.restore.PackChannels;
import org.resilient.archive.store.DaemonThreads;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;

/**
 * Checks an archive. Structure: index files, pack presence and sizes, every generation file's checksum and
 * that every chunk it references is in a whole pack. Read-data: also re-reads, decompresses and re-hashes
 * every chunk (packs in parallel). Damage is mapped back to generation, file and offset.
 */
public final class Verifier {
    private final Layout layout;
    private final RepoIndex index;
    private final int threads;
    private final OperationContext context;
    // READ_DATA only: the ChunkCheck of every chunk read intact, by index slot, folded to 32 bits (5 bytes a slot
    // with the flag, beside the index's 60-90 a chunk), to check the values trees recorded: a wrong recorded value
    // goes unnoticed with probability 2^-32.
    private int[] contentChecks;
    private boolean[] contentRead;

    /**
     * Prepares a verify.
     *
     * @param layout the archive
     * @param index its freshly loaded index
     * @param threads reader threads for read-data
     * @param context progress and cancellation
     */
    public Verifier(Layout layout, RepoIndex index, int threads, OperationContext context) {
        this.layout = layout;
        this.index = index;
        this.threads = threads;
        this.context = context;
    }

    /**
     * Runs the check.
     *
     * @param level how deep
     * @return the report
     * @throws IOException on a read failure of the archive's directories
     */
    public VerifyReport verify(VerifyLevel level) throws IOException {
        DamagedChunks.recheck(layout, index);
        List<Damage> damages = new ArrayList<>();
        for (String p : index.problems()) {
            damages.add(new Damage(null, null, -1, "index", p + "; nothing is lost, the packs were read "
                    + "instead; the next prune rewrites the index"));
        }
        for (int p = 0; p < index.packCount(); p++) {
            String loc = "packs/" + index.packName(p) + ".pack";
            switch (index.packState(p)) {
                case MISSING -> damages.add(new Damage(null, null, -1, loc, "pack is missing; the generations "
                        + "using its chunks are damaged (see below)"));
                case WRONG_SIZE -> damages.add(new Damage(null, null, -1, loc, "pack size differs from its index ("
                        + index.packSize(p) + " bytes expected): truncated or overwritten"));
                case UNREADABLE -> damages.add(new Damage(null, null, -1, loc, "pack is in no index and its "
                        + "trailer cannot be read; its chunks are unusable"));
                default -> { }
            }
        }
        Map<Integer, String> bad = new ConcurrentHashMap<>();
        AtomicLong bytesRead = new AtomicLong();
        if (level == VerifyLevel.READ_DATA) {
            readData(bad, bytesRead, damages);
        }
        BitSet referenced = new BitSet();
        int checked = 0;
        List<Path> genFiles = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.generations(), "*.gen")) {
            for (Path f : ds) {
                if (!f.getFileName().toString().startsWith(".")) {
                    genFiles.add(f);
                }
            }
        }
        Collections.sort(genFiles);
        for (Path f : genFiles) {
            context.cancellation().throwIfCancelled("verify");
            String id = f.getFileName().toString().replaceFirst("\\.gen$", "");
            String loc = "generations/" + f.getFileName();
            checked++;
            try {
                GenerationFile.readMetadata(f);
                // Closed at once: each open tree holds a native zstd decompressor until then.
                try (TreeReader tree = GenerationFile.openTree(f)) {
                    for (TreeEntry e = tree.next(); e != null; e = tree.next()) {
                        if (e.type() == TreeEntry.Type.FILE) {
                            damages.addAll(ChunkProblems.scan(id, e, index, slot -> {
                                if (slot >= 0) {
                                    referenced.set(slot);
                                }
                                String s = ChunkProblems.structural(index, slot);
                                return s != null ? s : bad.get(slot);
                            }));
                            damages.addAll(recordedChecks(id, loc, e));
                        }
                    }
                }
            } catch (PackDamagedException e) {
                damages.add(new Damage(id, null, -1, loc, e.getMessage() + "; this generation cannot be restored, "
                        + "restore another one"));
            }
        }
        for (Map.Entry<Integer, String> e : bad.entrySet()) {
            if (!referenced.get(e.getKey())) {
                int pack = index.chunks().pack(e.getKey());
                damages.add(new Damage(null, null, -1, "packs/" + index.packName(pack) + ".pack",
                        e.getValue() + " (a chunk no generation uses)"));
            }
        }
        return new VerifyReport(level, checked, bytesRead.get(), damages);
    }

    /**
     * After READ_DATA: the chunks of a file whose checksum, as its generation recorded it, differs from the content
     * read (whose SHA-256 matched). A restore checks content against the recorded values, so it would refuse them.
     */
    private List<Damage> recordedChecks(String id, String loc, TreeEntry e) {
        if (contentRead == null || !e.hasChecks()) {
            return List.of();
        }
        List<Damage> out = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < e.chunkCount(); i++) {
            int slot;
            synchronized (index) {
                slot = index.chunks().find(e.hashes(), i * 32);
            }
            if (slot >= 0 && slot < contentRead.length && contentRead[slot]
                    && contentChecks[slot] != fold(e.checks()[i])) {
                out.add(new Damage(id, e.path(), offset, loc, e.lengths()[i] + " bytes: the checksum the generation "
                        + "recorded (" + ChunkCheck.hex(e.checks()[i]) + ") does not match the chunk's content, which "
                        + "is intact (its SHA-256 matches); a restore refuses this file, restore another generation"));
            }
            offset += e.lengths()[i];
        }
        return out;
    }

    private static int fold(long check) {
        return (int) (check ^ check >>> 32);
    }

    private void readData(Map<Integer, String> bad, AtomicLong bytesRead, List<Damage> damages) throws IOException {
        int[][] byPack = PackSlots.byPack(index);
        synchronized (index) {
            contentChecks = new int[index.chunks().capacity()];
            contentRead = new boolean[contentChecks.length];
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, new DaemonThreads("archive-verify"));
        List<Damage> packDamage = Collections.synchronizedList(new ArrayList<>());
        try (PackChannels packs = new PackChannels(layout, index)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < byPack.length; p++) {
                if (index.packState(p) != RepoIndex.PackState.OK) {
                    continue;
                }
                int pack = p;
                int[] slots = byPack[p];
                futures.add(pool.submit(() -> {
                    checkPack(pack, slots, packs, bad, bytesRead, packDamage);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "verify was interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io; // the archive tells a pack removed by a concurrent prune from a failed read
            }
            throw new ResilienceException(ErrorCode.IO_ERROR, "verify failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        damages.addAll(packDamage);
    }

    private void checkPack(int pack, int[] slots, PackChannels packs, Map<Integer, String> bad, AtomicLong bytesRead,
                           List<Damage> packDamage) throws IOException {
        context.cancellation().throwIfCancelled("verify");
        Path file = layout.pack(index.packName(pack));
        try {
            PackReader.readTrailer(file);
        } catch (PackDamagedException e) {
            packDamage.add(new Damage(null, null, -1, "packs/" + file.getFileName(), e.getMessage()
                    + " (its chunks are checked one by one below; the index still locates them)"));
        }
        FileChannel ch = packs.get(pack);
        byte[] out = new byte[1 << 20];
        ChunkCheck check = new ChunkCheck();
        for (int slot : slots) {
            int raw;
            long offset;
            int stored;
            boolean zstd;
            byte[] h;
            synchronized (index) {
                raw = index.chunks().rawLength(slot);
                offset = index.chunks().offset(slot);
                stored = index.chunks().storedLength(slot);
                zstd = index.chunks().compressed(slot);
                h = index.chunks().hash(slot);
            }
            if (out.length < raw) {
                out = new byte[raw];
            }
            try {
                PackReader.readChunk(ch, offset, stored, raw, zstd, h, out, 0);
                // Each slot is written by the one thread reading its pack, and read after all of them finished.
                contentChecks[slot] = fold(check.of(out, 0, raw));
                contentRead[slot] = true;
            } catch (PackDamagedException e) {
                bad.put(slot, e.getMessage() + " (pack offset " + offset + ")");
                DamagedChunks.record(layout, index.packName(pack), h, 0);
            }
            bytesRead.addAndGet(stored);
        }
    }
}
