package org.resilient.archive.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackWriter;

/**
 * Where the writer puts a store's new chunks: appended to the current pack (and to the index), a full pack
 * finished (trailer, fsync, rename) on a thread of its own. The fsync waits for the disk, and on the writer's
 * thread that wait held up the whole pipeline (0.6-0.9 s of a 1 GB first store here). Packs are renamed into
 * place one by one, so a store killed at any moment leaves only whole packs.
 */
final class PackSink {
    private final Path dir;
    private final StoreIndex index;
    private final long packSize;
    private final ChunkArrays arrays;
    private final ExecutorService finisher = Executors.newSingleThreadExecutor(new DaemonThreads("archive-pack-sync"));
    private final List<Future<?>> finishing = new ArrayList<>();
    // Finished packs and their bytes, added by the finisher thread.
    private final List<PackEntries> written = new ArrayList<>();
    private long storedBytes;
    // Used by the writer's thread only.
    private PackWriter pack;
    private int packNo;
    private long newBytes;

    PackSink(Path dir, StoreIndex index, long packSize, ChunkArrays arrays) {
        this.dir = dir;
        this.index = index;
        this.packSize = packSize;
        this.arrays = arrays;
    }

    /** Appends a new chunk to the current pack, and records it in the index. The chunk's array goes back to the pool. */
    void append(byte[] hash, FileQueue.Compressed c, int rawLength) throws IOException {
        if (pack == null) {
            pack = new PackWriter(dir);
            packNo = index.addPack(pack.name());
        }
        long offset = pack.append(hash, c.bytes(), c.length(), rawLength, c.zstd());
        arrays.give(c.bytes()); // written: free for the next chunk
        index.addChunk(hash, packNo, offset, c.length(), rawLength, c.zstd());
        newBytes += rawLength;
        if (pack.size() >= packSize) {
            finishPack();
        }
    }

    /** Hands the current pack, if any, to the finisher. */
    void finishPack() {
        if (pack == null) {
            return;
        }
        PackWriter full = pack;
        int no = packNo;
        pack = null;
        finishing.add(finisher.submit(() -> {
            try {
                long size = full.finish();
                index.packFinished(no, size);
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
    void awaitPacks() throws IOException, InterruptedException {
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

    /** The entries of the packs finished so far. */
    List<PackEntries> written() {
        synchronized (written) {
            return new ArrayList<>(written);
        }
    }

    /** The bytes of the packs finished so far. */
    long storedBytes() {
        synchronized (written) {
            return storedBytes;
        }
    }

    /** The raw bytes of the new chunks appended. */
    long newBytes() {
        return newBytes;
    }

    /**
     * Drops an unfinished pack and waits for the finisher to end.
     *
     * @param what the store, for the message
     * @throws ResilienceException {@code IO_ERROR} if packs could not be forced to disk within 2 minutes
     */
    void close(Object what) throws InterruptedException {
        if (pack != null) {
            pack.close();
        }
        finisher.shutdown();
        if (!finisher.awaitTermination(2, TimeUnit.MINUTES)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "packs of " + what + " could not be forced to "
                    + "disk within 2 minutes; the store failed and older generations are intact");
        }
    }
}
