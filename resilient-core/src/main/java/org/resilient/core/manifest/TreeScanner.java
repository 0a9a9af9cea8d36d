package org.resilient.core.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.fs.PosixModes;
import org.resilient.support.hash.Sha256;

/**
 * Lists a directory tree as manifest entries: files with size, mode, mtime and SHA-256 (hashed in
 * parallel), directories, and symbolic links (never followed). Special files (devices, sockets, pipes)
 * are refused: they cannot be backed up as bytes.
 */
public final class TreeScanner {
    private TreeScanner() {
    }

    /**
     * Scans a tree.
     *
     * @param root the directory to list (its own entry is not listed)
     * @param hash whether to compute SHA-256 of files (false leaves a placeholder digest of zeros)
     * @param progress gets {@code hash} progress in bytes
     * @param cancellation checked between files
     * @return the entries, sorted by path
     * @throws ResilienceException {@code IO_ERROR} if the tree cannot be read
     */
    public static List<ManifestEntry> scan(Path root, boolean hash, ProgressListener progress,
                                           Cancellation cancellation) {
        return scan(root, hash, KnownDigests.NONE, progress, cancellation);
    }

    /**
     * Scans a tree, taking the digests of files that did not change since they were hashed from {@code known}.
     *
     * @param root the directory to list (its own entry is not listed)
     * @param hash whether to compute SHA-256 of files (false leaves a placeholder digest of zeros)
     * @param known digests already taken (used only for files unchanged since)
     * @param progress gets {@code hash} progress in bytes
     * @param cancellation checked between files
     * @return the entries, sorted by path
     * @throws ResilienceException {@code IO_ERROR} if the tree cannot be read
     */
    public static List<ManifestEntry> scan(Path root, boolean hash, KnownDigests known, ProgressListener progress,
                                           Cancellation cancellation) {
        List<Path> files = new ArrayList<>();
        List<ManifestEntry> others = new ArrayList<>();
        AtomicLong total = new AtomicLong();
        try {
            Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root)) {
                        others.add(ManifestEntry.directory(rel(root, dir), PosixModes.mode(dir), attrs.lastModifiedTime().toInstant()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isSymbolicLink()) {
                        others.add(ManifestEntry.symlink(rel(root, file), attrs.lastModifiedTime().toInstant(),
                                Files.readSymbolicLink(file).toString()));
                    } else if (attrs.isRegularFile()) {
                        files.add(file);
                        total.addAndGet(attrs.size());
                    } else {
                        throw new ResilienceException(ErrorCode.IO_ERROR, "cannot back up " + file
                                + ": not a regular file, directory or symbolic link (device, socket or pipe)");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", root, e);
        }
        AtomicLong done = new AtomicLong();
        List<ManifestEntry> entries = new ArrayList<>(others);
        ConcurrentHashMap<Path, ManifestEntry> hashed = new ConcurrentHashMap<>();
        try {
            // Biggest first so that the parallel hashing ends evenly.
            files.sort((a, b) -> Long.compare(size(b), size(a)));
            files.parallelStream().forEach(f -> {
                cancellation.throwIfCancelled("scanning " + root);
                try {
                    PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    String sha = hash ? known.digest(f).orElse(null) : "0".repeat(64);
                    if (sha == null) {
                        sha = Sha256.of(f);
                    }
                    hashed.put(f, ManifestEntry.file(rel(root, f), a.size(), PosixModes.bits(a.permissions()),
                            a.lastModifiedTime().toInstant(), sha));
                    progress.progress("hash", done.addAndGet(a.size()), total.get(), "bytes");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw AtomicFiles.ioError("read", root, e.getCause());
        }
        entries.addAll(hashed.values());
        entries.sort(null);
        return entries;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String rel(Path root, Path p) {
        String r = root.relativize(p).toString();
        return p.getFileSystem().getSeparator().equals("/") ? r : r.replace(p.getFileSystem().getSeparator(), "/");
    }
}
