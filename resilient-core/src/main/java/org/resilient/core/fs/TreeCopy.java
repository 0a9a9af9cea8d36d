package org.resilient.core.fs;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.concurrent.Future;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

/**
 * Copies a directory tree: regular files (content, POSIX permissions, modification time), directories
 * (including empty ones, with their permissions and times, set after their content) and symbolic links
 * (created as links with the same target text, never followed). Files are copied by several threads.
 * A link's own modification time is kept to the microsecond only ({@code lutimes}: Java cannot set it more
 * precisely without following the link).
 *
 * <p>Links are safe: the source is walked without following links, and the copy never writes through a
 * link: in resume mode an existing target entry of another type than the source's is removed first.
 *
 * <p>In {@link #resume(boolean) resume} mode the target may already hold part of the tree from an
 * interrupted copy: files with the same size and modification time as the source are kept, everything else
 * is copied again, and entries the source does not have are removed, so the target ends equal to the source.
 * A file's time is set only after its content is complete, so a half-copied file is never mistaken for a
 * whole one.
 *
 * <pre>
 * TreeCopy.from(src).resume(true).fsync(true).progress(listener).copyTo(dst);
 * </pre>
 *
 * <p>Steps: list the source ({@link CopyPlan}), prepare the target ({@link CopyTarget}), copy the files on a few
 * threads ({@link FilePool}), make the links, give directories their modes and times deepest first, flush.
 */
public final class TreeCopy {
    private static final int DEFAULT_THREADS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));

    /** From this many files on, one flush of the whole file system is cheaper than one flush per file. */
    private static final int SYNCFS_THRESHOLD = 64;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TreeCopy.class);

    private final Path source;
    private boolean resume;
    private boolean fsync;
    private int threads = DEFAULT_THREADS;
    private ProgressListener progress = ProgressListener.NONE;
    private Cancellation cancellation = Cancellation.never();
    private String phase = "copy";
    private boolean skipVanished;
    private boolean skipSpecial;
    private boolean skipUnreadable;
    private java.util.function.Predicate<Path> excluded = p -> false;
    private final Set<Path> vanished = ConcurrentHashMap.newKeySet();
    private final Set<Path> skipped = ConcurrentHashMap.newKeySet();

    private TreeCopy(Path source) {
        this.source = source.toAbsolutePath().normalize();
    }

    /**
     * Starts describing a copy.
     *
     * @param source the directory to copy (must be a directory, not a link to one)
     * @return a copy description
     */
    public static TreeCopy from(Path source) {
        return new TreeCopy(Objects.requireNonNull(source, "source"));
    }

    /**
     * Whether to keep what an earlier, interrupted copy into the same target already did.
     *
     * @param resume true to resume (the target may exist); false to require a missing or empty target
     * @return this
     */
    public TreeCopy resume(boolean resume) {
        this.resume = resume;
        return this;
    }

    /**
     * Whether to flush every copied file and directory to disk before {@link #copyTo} returns (needed when
     * the copy is then published by a rename and must survive a crash).
     *
     * @param fsync true to flush
     * @return this
     */
    public TreeCopy fsync(boolean fsync) {
        this.fsync = fsync;
        return this;
    }

    /**
     * Whether entries of the source that disappear while the copy runs are skipped (with a log line) instead
     * of failing the copy. Right for a live directory, where temporary files come and go; wrong for a
     * published backup, which must never change.
     *
     * @param skipVanished true to skip vanished entries
     * @return this
     */
    public TreeCopy skipVanished(boolean skipVanished) {
        this.skipVanished = skipVanished;
        return this;
    }

    /**
     * Whether FIFOs, sockets and devices in the source are left out with a warning (as tar and restic do) instead
     * of failing the copy: right for a live directory, where a program's socket or pipe is no data to keep.
     *
     * @param skipSpecial true to skip them
     * @return this
     */
    public TreeCopy skipSpecial(boolean skipSpecial) {
        this.skipSpecial = skipSpecial;
        return this;
    }

    /**
     * Whether entries this user may not read are left out with a warning instead of failing the copy (with
     * {@code IO_ERROR} naming the entry).
     *
     * @param skipUnreadable true to skip them
     * @return this
     */
    public TreeCopy skipUnreadable(boolean skipUnreadable) {
        this.skipUnreadable = skipUnreadable;
        return this;
    }

    /**
     * Leaves out the entries whose path relative to the source matches one of these glob patterns
     * ({@link java.nio.file.FileSystem#getPathMatcher}, e.g. {@code *.tmp}, {@code cache/**}); a pattern without a
     * {@code /} also matches the name of an entry at any depth, and an excluded directory goes with its content.
     *
     * @param globs the patterns
     * @return this
     * @throws IllegalArgumentException for a pattern that is not a valid glob
     */
    public TreeCopy exclude(java.util.Collection<String> globs) {
        List<java.util.function.Predicate<Path>> tests = new ArrayList<>();
        for (String g : globs) {
            java.nio.file.PathMatcher m = source.getFileSystem().getPathMatcher("glob:" + g);
            tests.add(g.contains("/") ? m::matches : rel -> m.matches(rel) || m.matches(rel.getFileName()));
        }
        this.excluded = rel -> tests.stream().anyMatch(t -> t.test(rel));
        return this;
    }

    /**
     * How many files to copy at once.
     *
     * @param threads 1 or more
     * @return this
     */
    public TreeCopy threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        this.threads = threads;
        return this;
    }

    /**
     * Where to report progress (in bytes), and under which phase name.
     *
     * @param phase the phase name, e.g. {@code pull}
     * @param progress the listener
     * @return this
     */
    public TreeCopy progress(String phase, ProgressListener progress) {
        this.phase = Objects.requireNonNull(phase);
        this.progress = Objects.requireNonNull(progress);
        return this;
    }

    /**
     * The cancellation signal, checked between files.
     *
     * @param cancellation the signal
     * @return this
     */
    public TreeCopy cancellation(Cancellation cancellation) {
        this.cancellation = Objects.requireNonNull(cancellation);
        return this;
    }

    /**
     * Copies the tree.
     *
     * @param target the directory to create (or, in resume mode, to complete)
     * @return what was copied
     * @throws ResilienceException {@code NOT_FOUND} if the source is not a directory, {@code IO_ERROR} for a
     *     special file or a non-empty target (without resume), {@code NOT_WRITABLE} or {@code IO_ERROR} when
     *     writing fails, {@code CANCELLED} when cancelled
     */
    public Result copyTo(Path target) {
        Path dst = target.toAbsolutePath().normalize();
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot copy " + source + ": not a directory"
                    + (Files.exists(source, LinkOption.NOFOLLOW_LINKS) ? "" : " (it does not exist)"));
        }
        if (dst.startsWith(source) || source.startsWith(dst)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot copy " + source + " to " + dst
                    + ": one lies inside the other; choose a target outside the source");
        }
        CopyPlan.Filter filter = new CopyPlan.Filter(skipVanished, skipSpecial, skipUnreadable, excluded,
                this::vanished, this::skipped);
        Counts counts = new Counts();
        try (FilePool pool = new FilePool(threads, source)) {
            PosixFileAttributes rootAttrs = CopyPlan.posix(source);
            int rootMode = CopyPlan.mode(source, rootAttrs);
            CopyTarget.prepare(dst, resume);
            progress.progress(phase, 0, -1, "bytes");
            copyDirectory(dst, source, filter, pool, counts);
            CopyTarget.finishDirectory(dst, rootAttrs, rootMode);
            if (fsync) {
                FileSystemSync.flushTree(dst, counts.files >= SYNCFS_THRESHOLD);
            }
            return new Result(counts.files, counts.dirs, counts.links, counts.totalBytes.get(), counts.copied.get(),
                    vanished.size(), skipped.size());
        } catch (IOException e) {
            if (e instanceof FileSystemException fse && fse.getFile() != null
                    && Path.of(fse.getFile()).startsWith(source) && AtomicFiles.isPermissionProblem(e)) {
                // Not being allowed to read the source is not a "target not writable" problem.
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read " + fse.getFile()
                        + ": permission denied; make it readable by this user", e);
            }
            throw AtomicFiles.ioError("copy " + source + " to", dst, e);
        }
    }

    /** What the copy did so far; the byte counts are shared with the file threads. */
    private static final class Counts {
        long files;
        long dirs;
        long links;
        /** The size of the files listed so far: the progress total, which grows as directories are listed. */
        final AtomicLong totalBytes = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicLong copied = new AtomicLong();
    }

    /**
     * Copies one directory's content, then its subdirectories' (each listed only when its turn comes, so that
     * memory is bounded by the widest directory), and gives each subdirectory its mode and time once everything
     * inside it is written. This directory's files are copied on the pool meanwhile and waited for at the end.
     *
     * @return false if the directory vanished or is unreadable and was left out (the filter was told)
     */
    private boolean copyDirectory(Path dst, Path dir, CopyPlan.Filter filter, FilePool pool, Counts counts)
            throws IOException {
        CopyPlan plan = CopyPlan.of(source, dir, filter);
        if (plan == null) {
            return false;
        }
        Path to = dir.equals(source) ? dst : dst.resolve(source.relativize(dir).toString());
        if (!dir.equals(source)) {
            CopyTarget.makeDirectory(to);
        }
        if (resume) {
            CopyTarget.removeStrays(to, plan.types());
        }
        counts.files += plan.files.size();
        counts.links += plan.links.size();
        counts.totalBytes.addAndGet(plan.totalBytes);
        // Biggest first, so that the threads finish together.
        plan.files.sort((a, b) -> Long.compare(b.attrs().size(), a.attrs().size()));
        List<Future<?>> files = pool.submit(plan.files, f -> copyFile(dst, f, counts));
        copyLinks(dst, plan);
        for (CopyPlan.Item d : plan.dirs) {
            cancellation.throwIfCancelled("copy of " + source);
            if (copyDirectory(dst, source.resolve(d.rel()), filter, pool, counts)) {
                counts.dirs++;
                CopyTarget.finishDirectory(dst.resolve(d.rel()), d.attrs(), d.mode());
            }
        }
        pool.await(files);
        return true;
    }

    private void copyFile(Path dst, CopyPlan.Item f, Counts counts) throws IOException {
        AtomicLong done = counts.done;
        AtomicLong copied = counts.copied;
        cancellation.throwIfCancelled("copy of " + source);
        Path from = source.resolve(f.rel());
        Path to = dst.resolve(f.rel());
        long size = f.attrs().size();
        FileTime mtime = f.attrs().lastModifiedTime();
        if (resume && isSame(to, size, mtime)) {
            progress.progress(phase, done.addAndGet(size), counts.totalBytes.get(), "bytes");
            return;
        }
        // Files.copy uses the kernel's fast paths; the content, then the mode, then the time are written,
        // so a file interrupted half-way never carries the source's time.
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            if (!skipVanished || Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            vanished(f.rel());
            progress.progress(phase, done.addAndGet(size), counts.totalBytes.get(), "bytes");
            return;
        }
        CopyTarget.setMode(to, f.attrs().permissions(), f.mode());
        Files.getFileAttributeView(to, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(mtime, null, null);
        copied.addAndGet(size);
        progress.progress(phase, done.addAndGet(size), counts.totalBytes.get(), "bytes");
    }

    private static boolean isSame(Path to, long size, FileTime mtime) {
        try {
            BasicFileAttributes a = Files.readAttributes(to, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() && a.size() == size && a.lastModifiedTime().equals(mtime);
        } catch (IOException e) {
            return false;
        }
    }

    private void copyLinks(Path dst, CopyPlan plan) throws IOException {
        for (CopyPlan.Item l : plan.links) {
            Path p = dst.resolve(l.rel());
            Path linkTarget;
            try {
                linkTarget = Files.readSymbolicLink(source.resolve(l.rel()));
            } catch (NoSuchFileException e) {
                if (!skipVanished) {
                    throw e;
                }
                vanished(l.rel());
                continue;
            }
            if (!Files.isSymbolicLink(p) || !Files.readSymbolicLink(p).equals(linkTarget)) {
                Files.deleteIfExists(p);
                Files.createSymbolicLink(p, linkTarget);
            }
            CopyTarget.setLinkTime(p, l.attrs().lastModifiedTime());
        }
    }

    private void skipped(Path rel, String why) {
        skipped.add(rel);
        LOG.warn("{} in {} is left out of the copy: {}", rel, source, why);
    }

    private void vanished(Path rel) {
        vanished.add(rel);
        LOG.warn("{} vanished from {} while it was copied; the copy goes on without it", rel, source);
    }

    /**
     * What a copy did.
     *
     * @param files regular files in the tree
     * @param directories directories in the tree (not counting its root)
     * @param links symbolic links in the tree
     * @param totalBytes the size of all files
     * @param copiedBytes bytes actually copied (less than {@code totalBytes} when a resume kept files)
     * @param vanished entries that disappeared from the source during the copy and were skipped
     * @param skipped special or unreadable entries left out (see {@link #skipSpecial}, {@link #skipUnreadable})
     */
    public record Result(long files, long directories, long links, long totalBytes, long copiedBytes, long vanished,
                         long skipped) {
    }
}
