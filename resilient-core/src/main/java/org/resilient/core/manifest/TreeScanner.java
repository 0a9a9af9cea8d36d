package org.resilient.core.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.fs.PosixModes;
import org.resilient.support.hash.Sha256;

/**
 * Lists a directory tree as manifest entries: files with size, mode, mtime and SHA-256 (hashed on a few threads),
 * directories, and symbolic links (never followed). Special files (devices, sockets, pipes) are refused: they
 * cannot be backed up as bytes.
 *
 * <p>The entries come in manifest order while the tree is walked ({@link SortedTreeWalk}); files are hashed ahead
 * in a bounded window, so memory stays bounded by the widest directory and the window, however many files the
 * tree holds.
 */
public final class TreeScanner {
    /** How many entries may wait for their digest: enough to keep the threads busy on small files. */
    private static final int WINDOW = 512;
    private static final int THREADS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

    private TreeScanner() {
    }

    /**
     * Scans a tree, taking the digests of files that did not change since they were hashed from {@code known}.
     *
     * @param root the directory to list (its own entry is not listed)
     * @param hash whether to compute SHA-256 of files (false leaves a placeholder digest of zeros)
     * @param known digests already taken (used only for files unchanged since), or {@link KnownDigests#NONE}
     * @param progress gets {@code hash} progress in bytes
     * @param cancellation checked between files
     * @return the entries, sorted by path
     * @throws ResilienceException {@code IO_ERROR} if the tree cannot be read
     */
    public static List<ManifestEntry> scan(Path root, boolean hash, KnownDigests known, ProgressListener progress,
                                           Cancellation cancellation) {
        List<ManifestEntry> out = new ArrayList<>();
        walk(root, hash, known, progress, cancellation, out::add);
        return out;
    }

    /**
     * Streams a tree's entries in manifest order, taking the digests of files that did not change since they were
     * hashed from {@code known}.
     *
     * @param root the directory to list (its own entry is not listed)
     * @param hash whether to compute SHA-256 of files (false leaves a placeholder digest of zeros)
     * @param known digests already taken (used only for files unchanged since), or {@link KnownDigests#NONE}
     * @param progress gets {@code hash} progress in bytes (the total is not known: -1)
     * @param cancellation checked between files
     * @param sink gets each entry, in manifest order, on the calling thread
     * @throws ResilienceException {@code IO_ERROR} if the tree cannot be read
     */
    public static void walk(Path root, boolean hash, KnownDigests known, ProgressListener progress,
                            Cancellation cancellation, Consumer<ManifestEntry> sink) {
        ArrayDeque<Future<ManifestEntry>> window = new ArrayDeque<>();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = hash ? Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "resilient-hash");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            SortedTreeWalk.walk(root, (rel, p, a) -> {
                cancellation.throwIfCancelled("scanning " + root);
                window.add(entry(root, rel, p, a, known, pool, progress, done));
                // Hand on what is ready; wait only when the window is full.
                while (!window.isEmpty() && (window.size() >= WINDOW || window.peek().isDone())) {
                    sink.accept(take(window.poll()));
                }
            });
            while (!window.isEmpty()) {
                sink.accept(take(window.poll()));
            }
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", root, e);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private static Future<ManifestEntry> entry(Path root, String rel, Path p, PosixFileAttributes a, KnownDigests known,
                                               ExecutorService pool, ProgressListener progress, AtomicLong done)
            throws IOException {
        if (a.isDirectory()) {
            return CompletableFuture.completedFuture(ManifestEntry.directory(rel, PosixModes.mode(p),
                    a.lastModifiedTime().toInstant()));
        }
        if (a.isSymbolicLink()) {
            return CompletableFuture.completedFuture(ManifestEntry.symlink(rel, a.lastModifiedTime().toInstant(),
                    Files.readSymbolicLink(p).toString()));
        }
        if (!a.isRegularFile()) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot back up " + root.resolve(rel)
                    + ": not a regular file, directory or symbolic link (device, socket or pipe)");
        }
        if (pool == null) {
            return CompletableFuture.completedFuture(file(rel, a, "0".repeat(64)));
        }
        return pool.submit(() -> {
            String sha = known.digest(p).orElse(null); // taken while the exporter wrote, if unchanged since
            ManifestEntry e = file(rel, a, sha != null ? sha : Sha256.of(p, a.size()));
            progress.progress("hash", done.addAndGet(a.size()), -1, "bytes");
            return e;
        });
    }

    private static ManifestEntry file(String rel, PosixFileAttributes a, String sha) {
        return ManifestEntry.file(rel, a.size(), PosixModes.bits(a.permissions()), a.lastModifiedTime().toInstant(), sha);
    }

    private static ManifestEntry take(Future<ManifestEntry> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while hashing");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err; // as if hashed on this thread (out of memory, a crash point of a test)
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
