package org.resilient.archive.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.store.DaemonThreads;
import org.resilient.archive.tree.TreeEntry;

/**
 * Writes the files of one restore on a pool. Each file's chunks are looked up in the index batch by batch
 * (chunks in no pack, or in a missing or truncated pack, are damage found without reading data), and each batch
 * of consecutive chunks (up to 2 MiB of content) goes to a pool thread, which decodes and checks it
 * ({@link BatchDecoder}) and writes it at its offset with one write. What the pool meets is kept for the caller:
 * damage, a pack removed by a concurrent prune, or a failure to write.
 */
final class FileWriters implements AutoCloseable {
    // Content per batch: large enough that reads, writes and hand-overs are few, small enough that a batch
    // is still in the CPU cache when it is hashed and copied to the page cache. Measured on the 1 GiB bench
    // dump (2 cores): 2 MiB used the least CPU; 4 MiB cost a quarter more.
    private static final int BATCH = 2 << 20;
    // Batches queued or running per thread.
    private static final int INFLIGHT = 2;

    private final RepoIndex index;
    private final String id;
    private final PackChannels packs;
    private final ExecutorService pool;
    private final int permits;
    private final Semaphore inFlight;
    // One decoder per thread at most (each holds direct buffers and a native zstd context), freed at the end.
    private final ConcurrentLinkedQueue<BatchDecoder> decoders = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<BatchDecoder> allDecoders = new ConcurrentLinkedQueue<>();
    // Damage found reading data.
    private final List<Damage> damages = Collections.synchronizedList(new ArrayList<>());
    // A failure that is not damage of the archive (cannot write the target): the restore fails with it.
    private final AtomicReference<ResilienceException> failure = new AtomicReference<>();
    // Packs that were in the index when the restore started and are gone now (removed by a prune).
    private final Set<String> gone = ConcurrentHashMap.newKeySet();

    /** One file being written. */
    private static final class FileJob {
        final TreeEntry entry;
        final Path path;
        final FileChannel channel;
        final AtomicInteger pending = new AtomicInteger(1);
        volatile boolean damaged;

        FileJob(TreeEntry entry, Path path, FileChannel channel) {
            this.entry = entry;
            this.path = path;
            this.channel = channel;
        }
    }

    /**
     * Starts the pool.
     *
     * @param index the archive's index
     * @param id the generation restored
     * @param packs the open packs
     * @param threads threads to decompress and check (the pool has one more, to overlap waits for I/O)
     */
    FileWriters(RepoIndex index, String id, PackChannels packs, int threads) {
        this.index = index;
        this.id = id;
        this.packs = packs;
        // One thread more than asked: the threads also wait for reads and writes, which the extra one overlaps.
        int workers = threads + 1;
        this.pool = Executors.newFixedThreadPool(workers, new DaemonThreads("archive-restore"));
        this.permits = workers * INFLIGHT;
        this.inFlight = new Semaphore(permits);
    }

    /**
     * Writes a file: its chunks are checked against the index batch by batch, and each good batch is handed to
     * the pool. At the first chunk that cannot be read, no more batches are handed out, the file is marked
     * damaged (deleted once its batches in flight are done) and its damage is returned.
     *
     * @return the damage found without reading data; empty if every chunk is in a whole pack
     */
    List<Damage> write(TreeEntry e, Path p) throws IOException, InterruptedException {
        FileChannel ch = FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), org.resilient.support.fs.FileModes.fileAttribute()); // its mode comes last
        FileJob job = new FileJob(e, p, ch);
        int[] lengths = e.lengths();
        int i = 0;
        long offset = 0;
        try {
            while (i < e.chunkCount()) {
                int from = i;
                long start = offset;
                int bytes = 0;
                while (i < e.chunkCount() && (bytes == 0 || bytes + lengths[i] <= BATCH)) {
                    int slot = index.chunks().find(e.hashes(), i * 32);
                    if (slot < 0 || !index.usable(slot)) {
                        job.damaged = true;
                        return structural(e);
                    }
                    bytes += lengths[i];
                    offset += lengths[i];
                    i++;
                }
                int to = i;
                int size = bytes;
                inFlight.acquire();
                job.pending.incrementAndGet();
                pool.execute(() -> {
                    try {
                        if (!job.damaged) {
                            writeBatch(job, from, to, start, size);
                        }
                    } catch (PackChannels.PackGoneException g) {
                        job.damaged = true;
                        gone.add(g.pack());
                    } catch (ResilienceException x) {
                        job.damaged = true;
                        failure.compareAndSet(null, x);
                    } catch (Throwable t) {
                        job.damaged = true;
                        damages.add(new Damage(id, e.path(), start, null, "cannot restore: " + t));
                    } finally {
                        try {
                            done(job);
                        } finally {
                            inFlight.release();
                        }
                    }
                });
            }
            return List.of();
        } finally {
            done(job);
        }
    }

    /** The damage of a file's chunks found without reading data (chunks in no pack, or in a pack not whole). */
    List<Damage> structural(TreeEntry e) {
        return ChunkProblems.scan(id, e, index, slot -> ChunkProblems.structural(index, slot));
    }

    private void writeBatch(FileJob job, int from, int to, long start, int size) throws IOException {
        BatchDecoder d = decoders.poll();
        if (d == null) {
            d = new BatchDecoder(BATCH);
            allDecoders.add(d);
        }
        try {
            Damage damage = d.decode(id, job.entry, from, to, start, size, index, packs);
            if (damage != null) {
                job.damaged = true;
                damages.add(damage);
                return;
            }
            ByteBuffer b = d.output();
            long at = start;
            try {
                while (b.hasRemaining()) {
                    at += job.channel.write(b, at);
                }
            } catch (IOException e) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write " + job.path + ": " + e.getMessage()
                        + " (is the disk full?); nothing was restored", e);
            }
        } finally {
            decoders.offer(d);
        }
    }

    /** Finishes a file once its last batch is done: closed, then given its mode and time, or deleted if damaged. */
    private void done(FileJob job) {
        if (job.pending.decrementAndGet() != 0) {
            return;
        }
        try {
            job.channel.close();
            if (job.damaged) {
                Files.deleteIfExists(job.path);
                return;
            }
            Files.setAttribute(job.path, "unix:mode", job.entry.mode(), LinkOption.NOFOLLOW_LINKS);
            RestoreTarget.setTime(job.path, job.entry);
        } catch (IOException e) {
            // Kept for the main thread to throw: never lost in a pool thread.
            failure.compareAndSet(null, new ResilienceException(ErrorCode.IO_ERROR, "cannot finish " + job.path
                    + ": " + e.getMessage(), e));
        }
    }

    /**
     * Waits until every batch handed out is done, then reports what stops the restore whatever the damage: a pack
     * removed by a concurrent prune ({@code LOCKED}), or a failure to write.
     *
     * @param archive the archive, for the message
     * @return the damage found reading data
     */
    List<Damage> finish(Path archive) throws InterruptedException {
        inFlight.acquire(permits);
        inFlight.release(permits);
        if (!gone.isEmpty()) {
            throw new ResilienceException(ErrorCode.LOCKED, "restore of generation " + id + " stopped: pack(s) "
                    + gone + " were removed from the archive " + archive + " while the restore read"
                    + " it (a prune ran at the same time); nothing was restored. Run the restore again");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return damages;
    }

    /** Stops the pool; frees the decoders once no thread can use one any more. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (pool.awaitTermination(30, TimeUnit.SECONDS)) {
                allDecoders.forEach(BatchDecoder::close); // else a stuck thread may still use one
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
