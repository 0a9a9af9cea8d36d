package org.resilient.archive.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.StoreRequest;
import org.resilient.archive.ArchiveSettings;
import org.resilient.archive.chunking.FastCdc;
import org.resilient.archive.chunking.FileChunker;
import org.resilient.archive.chunking.PreviousChunks;
import org.resilient.archive.index.ChunkCheck;
import org.resilient.support.hash.Sha256;
import org.resilient.archive.index.IndexFile;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackWriter;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeWriter;

/**
 * One store: walks the directory, cuts files into chunks, hashes them, compresses the new ones, appends
 * them to packs, and writes the generation's tree.
 *
 * <p>Pipeline: scanner threads (one file each, in order) read, chunk and hash; new chunks go to a pool
 * that compresses them; this thread takes every file's chunks in order, appends new ones to the current
 * pack and writes the tree, so the result does not depend on thread timing. Finished packs are renamed into
 * place one by one, so a store killed at any moment leaves only whole packs, which the next store finds
 * from their trailers and reuses.
 */
public final class StoreRun {
    private static final long QUEUE_BYTES = 4L << 20;
    private static final int QUEUE_COUNT = 1 << 16;
    // Free chunk arrays kept for reuse: the raw and compressed chunks in flight stay under this (QUEUE_BYTES per
    // file queue, a few queues at a time, rounded up to powers of two).
    private static final long POOL_BYTES = 24L << 20;

    private final Layout layout;
    private final Future<RepoIndex> indexLoad;
    // Set from indexLoad before the scanners start, and used only after that.
    private RepoIndex index;
    private final ArchiveSettings settings;
    private final FastCdc cdc;
    private final StoreRequest request;
    private final ChunkArrays arrays;
    private final OperationContext context;
    private final List<Generation> generations;
    private final java.util.concurrent.atomic.AtomicLong guidedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong unreadBytes = new java.util.concurrent.atomic.AtomicLong();
    // The caller's verified whole-file digests, by path (see StoreRequest#verifiedDigests).
    private final java.util.Map<String, byte[]> verified = new java.util.HashMap<>();
    private ParentTree parent;
    private final Object writerProgress = new Object();
    private volatile int writerAt = -1;
    private volatile boolean aborted;
    private final List<PackEntries> written = new ArrayList<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<Compressor> compressorPool =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<Compressor> allCompressors =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A zstd context with its output buffer, reused chunk after chunk. */
    private static final class Compressor {
        final ZstdCompressCtx ctx;
        byte[] out = new byte[0];

        Compressor(ZstdCompressCtx ctx) {
            this.ctx = ctx;
        }
    }
    private PackWriter pack;
    private int packNo;
    // Full packs are finished (trailer, fsync, rename) on their own thread: the fsync waits for the disk, and
    // on the writer's thread that wait held up the whole pipeline (0.6-0.9 s of a 1 GB first store here).
    private final ExecutorService packSync = Executors.newSingleThreadExecutor(new DaemonThreads("archive-pack-sync"));
    private final List<Future<?>> finishing = new ArrayList<>();
    // The generation format the tree needs (written by the calling thread only): 3 once a file has chunk checksums.
    private int formatVersion = 1;
    private long newBytes;
    private long storedBytes;

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
        request.verifiedDigests().forEach((path, hex) -> verified.put(path, Sha256.unhex(hex)));
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
        List<SourceEntry> entries = SourceEntry.walk(root);
        List<SourceEntry> files = entries.stream().filter(e -> e.type() == TreeEntry.Type.FILE).toList();
        long total = files.stream().mapToLong(SourceEntry::size).sum();
        FileQueue[] queues = new FileQueue[files.size()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new FileQueue(QUEUE_BYTES, QUEUE_COUNT);
        }
        int threads = settings.threads();
        ExecutorService compressors = Executors.newFixedThreadPool(threads, new DaemonThreads("archive-compress"));
        ExecutorService scanners = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, files.size())),
                new DaemonThreads("archive-scan"));
        Path treeTemp = AtomicFiles.tempSibling(layout.generation(id));
        parent = ParentTree.open(layout, generations, request.sourceNode());
        try {
            index = loadedIndex();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < Math.min(threads, files.size()); t++) {
                scanners.execute(() -> scanLoop(files, queues, next, compressors, threads));
            }
            long logical = 0;
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(treeTemp), 1 << 16);
                 ZstdOutputStream z = new ZstdOutputStream(raw, 3)) {
                TreeWriter tree = new TreeWriter(z);
                int fileNo = -1;
                for (SourceEntry e : entries) {
                    context.cancellation().throwIfCancelled("storing " + root);
                    if (e.type() == TreeEntry.Type.FILE) {
                        fileNo++;
                        synchronized (writerProgress) {
                            writerAt = fileNo;
                            writerProgress.notifyAll();
                        }
                        TreeEntry te = consume(e, queues[fileNo]);
                        tree.write(te);
                        logical += te.size();
                        context.progress().progress("store", logical, total, "bytes");
                    } else {
                        tree.write(new TreeEntry(e.path(), e.type(), e.mode(), seconds(e), nanos(e), 0,
                                e.linkTarget(), new byte[0], new int[0]));
                    }
                }
                finishPack();
                tree.finish();
            }
            awaitPacks();
            // Packs found without an index entry (left by an interrupted store) are indexed now too.
            List<PackEntries> toIndex;
            synchronized (written) {
                toIndex = new ArrayList<>(written);
            }
            toIndex.addAll(index.unindexed());
            Path indexFile = layout.index().resolve(id + ".idx");
            IndexFile.write(indexFile, toIndex);
            index.unindexed().clear();
            long stored;
            synchronized (written) {
                stored = storedBytes;
            }
            stored += Files.size(indexFile) + Files.size(treeTemp);
            Generation g = new Generation(id, request.backupId(), request.time(), request.sourceNode(),
                    request.epoch(), request.manifestDigest(), files.size(), logical, newBytes, stored);
            GenerationFile.write(layout.generation(id), treeTemp, g, formatVersion);
            return g;
        } finally {
            aborted = true;
            synchronized (writerProgress) {
                writerProgress.notifyAll();
            }
            scanners.shutdownNow();
            compressors.shutdownNow();
            parent.close();
            try {
                compressors.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                allCompressors.forEach(c -> c.ctx.close());
            }
            if (pack != null) {
                pack.close();
            }
            packSync.shutdown();
            if (!packSync.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES)) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "packs of " + root + " could not be forced to "
                        + "disk within 2 minutes; the store failed and older generations are intact");
            }
            Files.deleteIfExists(treeTemp);
        }
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

    private static long seconds(SourceEntry e) {
        return e.mtime().toInstant().getEpochSecond();
    }

    private static int nanos(SourceEntry e) {
        return e.mtime().toInstant().getNano();
    }

    private TreeEntry consume(SourceEntry e, FileQueue q) throws IOException, InterruptedException {
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
            if (!known(h)) {
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
                append(h, c, item.rawLength());
            }
        }
        Instant t = e.mtime().toInstant();
        // The scanner either took the file from the parent by this digest or read it and checked it.
        byte[] digest = verified.getOrDefault(e.path(), new byte[0]);
        TreeEntry entry = new TreeEntry(e.path(), TreeEntry.Type.FILE, e.mode(), t.getEpochSecond(), t.getNano(), size,
                null, hashes.toByteArray(), Arrays.copyOf(lengths, n), digest,
                checked ? Arrays.copyOf(checks, n) : new long[0]);
        formatVersion = Math.max(formatVersion, entry.hasChecks() ? 3 : entry.hasDigest() ? 2 : 1);
        return entry;
    }

    private static ResilienceException failure(SourceEntry e, Throwable t) {
        if (t instanceof ResilienceException r) {
            return r;
        }
        if (t instanceof IOException io) {
            return new ResilienceException(ErrorCode.IO_ERROR, "cannot read " + e.file() + " while storing it: "
                    + io.getMessage(), io);
        }
        return new ResilienceException(ErrorCode.INTERNAL, "storing " + e.file() + " failed: " + t, t);
    }

    private void append(byte[] h, FileQueue.Compressed c, int rawLength) throws IOException {
        if (pack == null) {
            pack = new PackWriter(layout.packs());
            synchronized (index) {
                packNo = index.addPack(pack.name(), RepoIndex.PackState.WRITING, 0);
            }
        }
        long offset = pack.append(h, c.bytes(), c.length(), rawLength, c.zstd());
        arrays.give(c.bytes()); // written: free for the next chunk
        synchronized (index) {
            index.addChunk(h, packNo, offset, c.length(), rawLength, c.zstd());
        }
        newBytes += rawLength;
        if (pack.size() >= settings.packSize()) {
            finishPack();
        }
    }

    private void finishPack() {
        if (pack == null) {
            return;
        }
        PackWriter full = pack;
        int no = packNo;
        pack = null;
        finishing.add(packSync.submit(() -> {
            try {
                long size = full.finish();
                synchronized (index) {
                    index.setPack(no, RepoIndex.PackState.OK, size);
                }
                synchronized (written) {
                    written.add(full.entries());
                    storedBytes += size;
                }
                return null;
            } finally {
                full.close(); // removes the temporary file if finishing failed; nothing once it is in place
            }
        }));
    }

    /** Waits until every full pack is on disk under its final name: the index and generation come after. */
    private void awaitPacks() throws IOException, InterruptedException {
        for (Future<?> f : finishing) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new ResilienceException(ErrorCode.INTERNAL, "finishing a pack failed: " + e.getCause(),
                        e.getCause());
            }
        }
    }

    private void scanLoop(List<SourceEntry> files, FileQueue[] queues, AtomicInteger next,
                          ExecutorService compressors, int lookahead) {
        FileChunker chunker = new FileChunker(cdc, compressors);
        ChunkCheck check = new ChunkCheck();
        while (!aborted) {
            int j = next.getAndIncrement();
            if (j >= files.size()) {
                return;
            }
            FileQueue q = queues[j];
            try {
                // Never run more than a few files ahead of the writer: bounds the memory held in queues.
                synchronized (writerProgress) {
                    while (!aborted && writerAt < j - lookahead) {
                        writerProgress.wait();
                    }
                }
                scan(files.get(j), q, chunker, check, compressors);
                q.close(null);
            } catch (Throwable t) {
                q.close(t);
            }
        }
    }

    private void scan(SourceEntry e, FileQueue q, FileChunker chunker, ChunkCheck check, ExecutorService compressors)
            throws Exception {
        int level = settings.compressionLevel();
        TreeEntry before = parent.take(e.path());
        byte[] digest = verified.get(e.path());
        if (digest != null && sameContent(before, e, digest)) {
            // Verified by the caller to have the content the parent recorded under this digest: taken whole
            // from the parent, without reading it again.
            boolean checked = before.hasChecks();
            for (int i = 0; i < before.chunkCount(); i++) {
                q.put(new FileQueue.Item(before.hash(i), before.lengths()[i], null, null, false, checked,
                        checked ? before.checks()[i] : 0));
            }
            unreadBytes.addAndGet(before.size());
            return;
        }
        PreviousChunks previous = before == null ? null : PreviousChunks.of(before.hashes(), before.lengths());
        // A chunk the previous version also had (same SHA-256, so same content) keeps the checksum recorded there:
        // an unchanged dump is then hashed once, not hashed and checksummed.
        long[] previousChecks = before != null && before.hasChecks() ? before.checks() : null;
        long guided = chunker.guidedBytes();
        java.security.MessageDigest whole = digest == null ? null : Sha256.newDigest();
        // FileInputStream reads straight into the array; Files.newInputStream goes through a temporary direct
        // buffer and costs three times as much CPU per byte.
        InputStream file = new java.io.FileInputStream(e.file().toFile());
        try (InputStream in = whole == null ? file : new java.security.DigestInputStream(file, whole)) {
            chunker.chunk(in, previous, (buf, off, len, h) -> {
                if (aborted) {
                    throw new InterruptedException("store aborted");
                }
                Future<FileQueue.Compressed> f = null;
                if (!known(h)) {
                    byte[] copy = arrays.take(len);
                    System.arraycopy(buf, off, copy, 0, len);
                    f = compressors.submit(() -> compress(copy, len, level));
                }
                int same = previousChecks == null ? -1 : previous.find(h);
                long sum = same >= 0 ? previousChecks[same] : check.of(buf, off, len);
                q.put(new FileQueue.Item(h, len, f, null, false, true, sum));
            });
        }
        guidedBytes.addAndGet(chunker.guidedBytes() - guided);
        if (whole != null && !java.security.MessageDigest.isEqual(whole.digest(), digest)) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, e.file() + " changed after it was verified:"
                    + " its content no longer has the SHA-256 " + Sha256.hex(digest) + " it was verified with. Nothing"
                    + " was stored; older generations are intact. Verify the backup again and store it again.");
        }
    }

    /**
     * Whether the parent's entry holds the content the caller verified: same digest, same size, and every chunk
     * still in the archive.
     */
    private boolean sameContent(TreeEntry before, SourceEntry e, byte[] digest) {
        if (before == null || !before.hasDigest() || before.size() != e.size()
                || !java.security.MessageDigest.isEqual(before.digest(), digest)) {
            return false;
        }
        for (int i = 0; i < before.chunkCount(); i++) {
            if (!known(before.hash(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the archive already holds a usable copy of a chunk (in the index, its pack whole). */
    private boolean known(byte[] hash) {
        synchronized (index) {
            int slot = index.chunks().find(hash);
            return slot >= 0 && index.usable(slot);
        }
    }

    /**
     * Bytes whose chunks were found by following the parent generation's chunk lists (after {@link #run}).
     *
     * @return the count
     */
    public long guidedBytes() {
        return guidedBytes.get();
    }

    /**
     * Bytes of files taken from the parent generation by their verified digest, without reading them (after
     * {@link #run}).
     *
     * @return the count
     */
    public long unreadBytes() {
        return unreadBytes.get();
    }

    /**
     * The generation whose chunk lists guided this store (after {@link #run}).
     *
     * @return its id, or null
     */
    public String parentId() {
        return parent == null ? null : parent.id();
    }

    /**
     * Compresses a chunk held in a pooled array ({@code length} bytes of it). The result is in a pooled array too;
     * the raw array goes back to the pool unless it is itself the result (no compression, or none that helps).
     */
    private FileQueue.Compressed compress(byte[] raw, int length, int level) {
        if (level == 0) {
            return new FileQueue.Compressed(raw, length, false);
        }
        // Contexts and their output buffers are pooled per store and freed at its end: creating a context per
        // chunk costs more than compressing the chunk, and thread-locals would leak native memory in short-lived
        // pools.
        Compressor c = compressorPool.poll();
        if (c == null) {
            ZstdCompressCtx ctx = new ZstdCompressCtx();
            ctx.setLevel(level);
            c = new Compressor(ctx);
            allCompressors.add(c);
        }
        int n;
        byte[] stored;
        try {
            int bound = (int) Zstd.compressBound(length);
            if (c.out.length < bound) {
                c.out = new byte[bound];
            }
            n = c.ctx.compressByteArray(c.out, 0, c.out.length, raw, 0, length);
            stored = null;
            if (n < length) {
                // Copied out so that chunks waiting for the writer hold little more than their compressed size.
                stored = arrays.take(n);
                System.arraycopy(c.out, 0, stored, 0, n);
            }
        } finally {
            compressorPool.add(c);
        }
        if (stored == null) {
            return new FileQueue.Compressed(raw, length, false);
        }
        arrays.give(raw);
        return new FileQueue.Compressed(stored, n, true);
    }
}
