package org.resilient.archive.store;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.StoreRequest;
import org.resilient.archive.ArchiveSettings;
import org.resilient.archive.chunking.FastCdc;
import org.resilient.archive.index.IndexFile;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeWriter;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.fs.FileModes;
import org.resilient.support.hash.Sha256;

/**
 * One store: walks the directory, cuts files into chunks, hashes them, compresses the new ones, appends
 * them to packs, and writes the generation's tree.
 *
 * <p>Pipeline: scanner threads ({@link FileScanner}, one file each, in order) read, chunk and hash; new chunks
 * go to a pool that compresses them ({@link ChunkCompressor}); this thread takes every file's chunks in order,
 * appends new ones to the current pack ({@link PackSink}) and writes the tree, so the result does not depend on
 * thread timing. Finished packs are renamed into place one by one, so a store killed at any moment leaves only
 * whole packs, which the next store finds from their trailers and reuses. Last come the index file and the
 * generation file, which makes the generation exist.
 */
public final class StoreRun {
    private static final long QUEUE_BYTES = 4L << 20;
    private static final int QUEUE_COUNT = 1 << 16;
    // Free chunk arrays kept for reuse: the raw and compressed chunks in flight stay under this (QUEUE_BYTES per
    // file queue, a few queues at a time, rounded up to powers of two).
    private static final long POOL_BYTES = 24L << 20;
    // A file changed this recently when walked gets no inode and change time in the tree (so the next store reads
    // it): a second change within the file system's timestamp granularity (a clock tick, or seconds on some file
    // systems) could keep the same times, and the files cache would miss it. Compared with the real clock, which
    // sets the file system's times, not the operation's (a test's manual clock may be anywhere).
    private static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Layout layout;
    private final Future<RepoIndex> indexLoad;
    private final ArchiveSettings settings;
    private final FastCdc cdc;
    private final StoreRequest request;
    private final ChunkArrays arrays;
    private final OperationContext context;
    private final List<Generation> generations;
    // The caller's verified whole-file digests, by path (see StoreRequest#verifiedDigests), looked up as the files
    // come: not copied, since a MANIFEST's digests are read from its file (ManifestDigests), never held whole.
    private final Map<String, byte[]> verified;
    private ParentTree parent;
    private FileScanner scanner;
    // The generation format the tree needs (written by the calling thread only): 3 once a file has chunk checksums.
    private int formatVersion = 1;
    // A repair: only these chunks are written, and no generation (null for a store).
    private java.util.function.Predicate<byte[]> repairOnly;
    // Bytes of chunks found in packs an interrupted store left, used here (written by the calling thread only).
    private long leftoverBytes;

    /**
     * Prepares a store.
     *
     * @param layout the archive
     * @param index its index, being loaded (updated as chunks are added)
     * @param settings compression and threads
     * @param cdc the archive's chunker
     * @param request what to store
     * @param context progress and cancellation
     * @param generations the archive's generations (the newest guides the chunking)
     */
    public StoreRun(Layout layout, Future<RepoIndex> index, ArchiveSettings settings, FastCdc cdc,
                    StoreRequest request, OperationContext context, List<Generation> generations) {
        this.layout = layout;
        this.indexLoad = index;
        this.settings = settings;
        this.cdc = cdc;
        this.request = request;
        this.context = context;
        this.generations = generations;
        this.arrays = new ChunkArrays(cdc.max(), POOL_BYTES);
        this.verified = new java.util.AbstractMap<>() {
            @Override
            public byte[] get(Object path) {
                String hex = request.verifiedDigests().get(path);
                return hex == null ? null : Sha256.unhex(hex);
            }

            @Override
            public boolean containsKey(Object path) {
                return request.verifiedDigests().containsKey(path);
            }

            @Override
            public java.util.Set<Map.Entry<String, byte[]>> entrySet() {
                throw new UnsupportedOperationException("looked up by path only");
            }
        };
    }

    /**
     * Makes this run a repair: it writes only the chunks wanted (the damaged or missing ones the source has), and
     * their index file, but no generation.
     *
     * @param wanted the chunks to write, by hash
     * @return this run
     */
    public StoreRun repairing(java.util.function.Predicate<byte[]> wanted) {
        this.repairOnly = wanted;
        return this;
    }

    /**
     * Runs the store.
     *
     * @param id the new generation's id
     * @return the generation
     * @throws IOException on a write failure
     * @throws InterruptedException if interrupted
     */
    public Generation run(String id) throws IOException, InterruptedException {
        try {
            return store(id);
        } finally {
            // Never leave the loading thread reading after the caller releases the lock.
            try {
                indexLoad.get();
            } catch (ExecutionException e) {
                // reported by store(), or irrelevant once the store failed for another reason
            }
        }
    }

    private Generation store(String id) throws IOException, InterruptedException {
        Path root = request.directory();
        if (!Files.isDirectory(root)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot store " + root + ": not a directory");
        }
        int threads = settings.threads();
        // The directory is walked as the store goes (EntryFeed), one directory at a time: nothing here holds the
        // whole tree, so a store of millions of files needs no more memory than one of thousands.
        EntryFeed feed = new EntryFeed(new SourceWalk(root, RACY_NANOS, java.time.Clock.systemUTC()), threads, QUEUE_BYTES,
                QUEUE_COUNT);
        ExecutorService compressors = Executors.newFixedThreadPool(threads, new DaemonThreads("archive-compress"));
        ExecutorService scanners = Executors.newFixedThreadPool(threads, new DaemonThreads("archive-scan"));
        ChunkCompressor compressor = new ChunkCompressor(arrays, settings.compressionLevel());
        PackSink packs = null;
        Path treeTemp = AtomicFiles.tempSibling(layout.generation(id));
        parent = ParentTree.open(layout, generations, request.sourceNode());
        try {
            StoreIndex index = new StoreIndex(loadedIndex(), repairOnly);
            packs = new PackSink(layout.packs(), index, settings.packSize(), arrays);
            // A repair reads its source whole: the damaged chunks it looks for are in files that look unchanged.
            FileScanner scan = new FileScanner(cdc, parent, verified, index, arrays, compressor, feed,
                    !settings.forceRead() && repairOnly == null);
            scanner = scan;
            feed.shortcut((e, q) -> scan.tryTake(e, q, QUEUE_COUNT));
            for (int t = 0; t < threads; t++) {
                scanners.execute(() -> scan.loop(compressors));
            }
            long logical = 0;
            Files.createFile(treeTemp, FileModes.fileAttribute()); // names of files: private like the rest
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(treeTemp), 1 << 16);
                 ZstdOutputStream z = new ZstdOutputStream(raw, 3)) {
                TreeWriter tree = new TreeWriter(z);
                for (EntryFeed.Slot s = feed.take(); s != null; s = feed.take()) {
                    context.cancellation().throwIfCancelled("storing " + root);
                    SourceEntry e = s.entry();
                    if (e.type() == TreeEntry.Type.FILE) {
                        TreeEntry te = consume(e, s.queue(), index, packs);
                        tree.write(te);
                        logical += te.size();
                        // The total is not known before the walk ends: it is not walked twice.
                        context.progress().progress("store", logical, -1, "bytes");
                    } else {
                        Instant t = e.mtime().toInstant();
                        tree.write(new TreeEntry(e.path(), e.type(), e.mode(), t.getEpochSecond(), t.getNano(), 0,
                                e.linkTarget(), new byte[0], new int[0]));
                    }
                }
                packs.finishPack();
                tree.finish();
            }
            packs.awaitPacks();
            return finish(id, index.index(), packs, treeTemp, feed.files(), logical);
        } finally {
            feed.abort();
            scanners.shutdownNow();
            compressors.shutdownNow();
            parent.close();
            try {
                compressors.awaitTermination(10, TimeUnit.SECONDS);
            } finally {
                compressor.close();
            }
            if (packs != null) {
                packs.close(root);
            }
            Files.deleteIfExists(treeTemp);
        }
    }

    /** Writes the index file of the new packs, then the generation file, which makes the generation exist. */
    private Generation finish(String id, RepoIndex index, PackSink packs, Path treeTemp, int fileCount, long logical)
            throws IOException {
        // Packs found without an index entry (left by an interrupted store) are indexed now too. The chunks of theirs
        // this generation uses count as its new bytes: an interrupted store wrote them, but no generation had them.
        List<PackEntries> toIndex = packs.written();
        toIndex.addAll(index.unindexed());
        Path indexFile = layout.index().resolve(id + ".idx");
        IndexFile.write(indexFile, toIndex);
        index.unindexed().clear();
        long stored = packs.storedBytes() + Files.size(indexFile) + Files.size(treeTemp);
        Generation g = new Generation(id, request.backupId(), request.time(), request.sourceNode(),
                request.epoch(), request.manifestDigest(), fileCount, logical, packs.newBytes() + leftoverBytes,
                stored);
        if (repairOnly == null) {
            GenerationFile.write(layout.generation(id), treeTemp, g, formatVersion);
        }
        return g;
    }

    private RepoIndex loadedIndex() throws IOException, InterruptedException {
        try {
            return indexLoad.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new ResilienceException(ErrorCode.INTERNAL, "loading the archive's index failed: " + c, c);
        }
    }

    /**
     * Takes one file's chunks from its queue, in order, appends the new ones to the packs, and makes the file's
     * tree entry.
     */
    private TreeEntry consume(SourceEntry e, FileQueue q, StoreIndex index, PackSink packs)
            throws IOException, InterruptedException {
        ByteArrayOutputStream hashes = new ByteArrayOutputStream();
        int[] lengths = new int[16];
        long[] checks = new long[16];
        boolean checked = true;
        int n = 0;
        long size = 0;
        while (true) {
            FileQueue.Item item = q.take();
            if (item.end()) {
                if (item.error() != null) {
                    throw failure(e, item.error());
                }
                break;
            }
            byte[] h = item.hash();
            if (n == lengths.length) {
                lengths = Arrays.copyOf(lengths, n * 2);
                checks = Arrays.copyOf(checks, n * 2);
            }
            checked &= item.checked();
            checks[n] = item.check();
            lengths[n++] = item.rawLength();
            hashes.write(h);
            size += item.rawLength();
            if (!index.holds(h)) {
                if (item.stored() == null) {
                    throw new ResilienceException(ErrorCode.INTERNAL, "chunk " + Sha256.hex(h)
                            + " vanished from the index during a store");
                }
                FileQueue.Compressed c;
                try {
                    c = item.stored().get();
                } catch (ExecutionException ex) {
                    throw failure(e, ex.getCause());
                }
                packs.append(h, c, item.rawLength());
            } else {
                leftoverBytes += index.firstUseOfLeftover(h);
            }
        }
        Instant t = e.mtime().toInstant();
        // The scanner either took the file from the parent by this digest or read it and checked it.
        byte[] found = verified.get(e.path());
        byte[] digest = found == null ? new byte[0] : found;
        TreeEntry entry = new TreeEntry(e.path(), TreeEntry.Type.FILE, e.mode(), t.getEpochSecond(), t.getNano(), size,
                null, hashes.toByteArray(), Arrays.copyOf(lengths, n), digest,
                checked ? Arrays.copyOf(checks, n) : new long[0], e.stat());
        formatVersion = Math.max(formatVersion, entry.stat() != null ? 4 : entry.hasChecks() ? 3
                : entry.hasDigest() ? 2 : 1);
        return entry;
    }

    private static ResilienceException failure(SourceEntry e, Throwable t) {
        if (t instanceof ResilienceException r) {
            return r;
        }
        if (t instanceof OutOfMemoryError oom) {
            // A scanner's OutOfMemoryError stays one (not an INTERNAL failure), for the caller to say what to set;
            // the store's finally blocks still remove what it half-wrote.
            throw oom;
        }
        if (t instanceof IOException io) {
            return new ResilienceException(ErrorCode.IO_ERROR, "cannot read " + e.file() + " while storing it: "
                    + io.getMessage(), io);
        }
        return new ResilienceException(ErrorCode.INTERNAL, "storing " + e.file() + " failed: " + t, t);
    }

    /**
     * Bytes whose chunks were found by following the parent generation's chunk lists (after {@link #run}).
     *
     * @return the count
     */
    public long guidedBytes() {
        return scanner == null ? 0 : scanner.guidedBytes();
    }

    /**
     * Files taken from the parent generation by the files cache (same size, times and inode), without reading them
     * (after {@link #run}).
     *
     * @return the count
     */
    public long unchangedFiles() {
        return scanner == null ? 0 : scanner.unchangedFiles();
    }

    /**
     * Bytes of files taken from the parent generation by their verified digest or by the files cache, without
     * reading them (after {@link #run}).
     *
     * @return the count
     */
    public long unreadBytes() {
        return scanner == null ? 0 : scanner.unreadBytes();
    }

    /**
     * The generation whose chunk lists guided this store (after {@link #run}).
     *
     * @return its id, or null
     */
    public String parentId() {
        return parent == null ? null : parent.id();
    }
}
