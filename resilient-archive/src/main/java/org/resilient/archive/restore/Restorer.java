package org.resilient.archive.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.store.DaemonThreads;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a generation out. First a pass over its tree finds chunks that cannot be read (missing or
 * truncated packs) without reading data; then files are written by a pool of threads, each taking a run of
 * consecutive chunks (up to 4 MiB), reading, decompressing and re-hashing them, and writing them at their
 * offset with one large write. Everything goes to a temporary directory beside the target, renamed into
 * place at the end, so a refused restore leaves nothing behind.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    private static final int BATCH = Integer.getInteger("restore.batch", 1 << 20);

    private static final int INFLIGHT = Integer.getInteger("restore.inflight", 2);
    private final Layout layout;
    private final RepoIndex index;
    private final int threads;
    private final OperationContext context;
    // One decoder per thread at most (each holds direct buffers and a native zstd context), freed at the end.
    private final ConcurrentLinkedQueue<BatchDecoder> decoders = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<BatchDecoder> allDecoders = new ConcurrentLinkedQueue<>();

    /**
     * Prepares a restore.
     *
     * @param layout the archive
     * @param index its index
     * @param threads reader threads
     * @param context progress and cancellation
     */
    public Restorer(Layout layout, RepoIndex index, int threads, OperationContext context) {
        this.layout = layout;
        this.index = index;
        this.threads = threads;
        this.context = context;
    }

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
     * Restores a generation.
     *
     * @param id the generation id
     * @param target the directory to create (must not exist, or be empty)
     * @param partial whether to restore the intact files of a damaged generation
     * @return the damage met
     * @throws IOException on a write failure
     */
    public List<Damage> restore(String id, Path target, boolean partial) throws IOException {
        long started = System.nanoTime();
        Path genFile = layout.generation(id);
        checkTarget(target);
        List<Damage> damages = Collections.synchronizedList(new ArrayList<>());
        Set<String> damagedFiles = new HashSet<>();
        java.util.function.Supplier<TreeReader> trees = open(genFile, id);
        TreeReader pre = trees.get();
        for (TreeEntry e = next(pre, id); e != null; e = next(pre, id)) {
            if (e.type() == TreeEntry.Type.FILE) {
                List<Damage> d = ChunkProblems.scan(id, e, index, slot -> ChunkProblems.structural(index, slot));
                if (!d.isEmpty()) {
                    damages.addAll(d);
                    damagedFiles.add(e.path());
                }
            }
        }
        LOG.debug("generation {}: damage checked in {} ms", id, (System.nanoTime() - started) / 1_000_000);
        if (!damages.isEmpty() && !partial) {
            throw corrupt(id, damages);
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve(".restoring-" + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.createDirectory(temp);
        boolean success = false;
        ExecutorService pool = Executors.newFixedThreadPool(threads + Integer.getInteger("restore.extra", 0), new DaemonThreads("archive-restore"));
        Semaphore inFlight = new Semaphore(threads * INFLIGHT);
        List<TreeEntry> dirs = new ArrayList<>();
        try (PackChannels packs = new PackChannels(layout, index)) {
            TreeReader tree = trees.get();
            for (TreeEntry e = next(tree, id); e != null; e = next(tree, id)) {
                context.cancellation().throwIfCancelled("restoring generation " + id);
                Path p = resolve(temp, e.path());
                switch (e.type()) {
                    case DIRECTORY -> {
                        Files.createDirectory(p);
                        dirs.add(e);
                    }
                    case SYMLINK -> {
                        Files.createSymbolicLink(p, Paths.get(e.linkTarget()));
                        setTime(p, e);
                    }
                    case FILE -> {
                        if (!damagedFiles.contains(e.path())) {
                            writeFile(e, p, pool, inFlight, packs, id, damages);
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
            inFlight.acquire(threads * INFLIGHT);
            inFlight.release(threads * INFLIGHT);
            if (!damages.isEmpty() && !partial) {
                throw corrupt(id, damages);
            }
            // Directories last, deepest first: their mtimes change while children are created, and a
            // read-only directory mode would stop the children being written.
            for (int i = dirs.size() - 1; i >= 0; i--) {
                TreeEntry d = dirs.get(i);
                Path p = resolve(temp, d.path());
                Files.setAttribute(p, "unix:mode", d.mode(), LinkOption.NOFOLLOW_LINKS);
                setTime(p, d);
            }
            if (Files.isDirectory(target)) {
                Files.delete(target); // checked empty above; rename cannot replace it portably
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            success = true;
            return List.copyOf(damages);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "restore of generation " + id + " was interrupted");
        } finally {
            pool.shutdownNow();
            try {
                if (pool.awaitTermination(30, TimeUnit.SECONDS)) {
                    allDecoders.forEach(BatchDecoder::close); // else a stuck thread may still use one
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!success) {
                deleteTree(temp);
            }
        }
    }

    private void writeFile(TreeEntry e, Path p, ExecutorService pool, Semaphore inFlight, PackChannels packs,
                           String id, List<Damage> damages) throws IOException, InterruptedException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileJob job = new FileJob(e, p, ch);
        int i = 0;
        long offset = 0;
        while (i < e.chunkCount()) {
            int from = i;
            long start = offset;
            int bytes = 0;
            while (i < e.chunkCount() && (bytes == 0 || bytes + e.lengths()[i] <= BATCH)) {
                bytes += e.lengths()[i];
                offset += e.lengths()[i];
                i++;
            }
            int to = i;
            int size = bytes;
            inFlight.acquire();
            job.pending.incrementAndGet();
            pool.execute(() -> {
                try {
                    if (!job.damaged) {
                        writeBatch(job, from, to, start, size, packs, id, damages);
                    }
                } catch (Throwable t) {
                    job.damaged = true;
                    damages.add(new Damage(id, e.path(), start, null, "cannot restore: " + t));
                } finally {
                    done(job);
                    inFlight.release();
                }
            });
        }
        done(job);
    }

    private void writeBatch(FileJob job, int from, int to, long start, int size, PackChannels packs, String id,
                            List<Damage> damages) throws IOException {
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
            while (b.hasRemaining()) {
                at += job.channel.write(b, at);
            }
        } finally {
            decoders.offer(d);
        }
    }

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
            setTime(job.path, job.entry);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot finish " + job.path + ": " + e.getMessage(), e);
        }
    }

    private static void setTime(Path p, TreeEntry e) throws IOException {
        FileTime t = FileTime.from(Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos()));
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    private static Path resolve(Path root, String path) {
        // Paths come from a checksummed generation, but are still checked: a restore never writes outside.
        org.resilient.api.ManifestEntry.checkPath(path);
        return root.resolve(path);
    }

    private static void checkTarget(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot restore into " + target
                        + ": it exists and is not a directory; give a new or empty directory");
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(target)) {
                if (ds.iterator().hasNext()) {
                    throw new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot restore into " + target
                            + ": it is not empty; give a new or empty directory");
                }
            }
        }
    }

    private static java.util.function.Supplier<TreeReader> open(Path genFile, String id) throws IOException {
        if (!Files.exists(genFile)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "no generation " + id + " in the archive "
                    + genFile.getParent().getParent() + "; list them with 'resilient archive list'");
        }
        try {
            return GenerationFile.readTree(genFile);
        } catch (PackDamagedException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "generation " + id + " cannot be restored: "
                    + e.getMessage() + " (" + genFile + "); restore another generation", e);
        }
    }

    private static TreeEntry next(TreeReader r, String id) throws IOException {
        try {
            return r.next();
        } catch (PackDamagedException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "generation " + id + ": " + e.getMessage(), e);
        }
    }

    private static ResilienceException corrupt(String id, List<Damage> damages) {
        StringBuilder s = new StringBuilder("generation " + id + " is damaged; nothing was restored. Damage: ");
        int n = 0;
        for (Damage d : damages) {
            if (n++ == 5) {
                s.append("; and ").append(damages.size() - 5).append(" more");
                break;
            }
            s.append(n > 1 ? "; " : "").append(d);
        }
        s.append(". Run 'resilient archive verify --read-data', restore another generation, or restore the intact "
                + "files with --partial");
        LOG.error(s.toString());
        return new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, s.toString());
    }

    static void deleteTree(Path root) {
        try {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (var walk = Files.walk(root)) {
                List<Path> all = walk.sorted(Collections.reverseOrder()).toList();
                for (Path p : all) {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        p.toFile().setWritable(true);
                    }
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the temporary restore directory {}: {}", root, e.getMessage());
        }
    }
}
