package org.resilient.testkit.memory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.testkit.KitFiles;
import org.resilient.testkit.TestBackups;

/**
 * A directory tree held in memory: regular files with their bytes, directories and symbolic links, each with
 * its mode and modification time. The in-memory transport and archive keep backups this way and write them
 * back out exactly, appearing whole by one rename.
 */
public final class ByteTree {
    /**
     * One entry of the tree.
     *
     * @param path the path relative to the root, {@code /}-separated
     * @param type file, directory or link
     * @param mode the permission bits
     * @param modified the modification time
     * @param content the bytes of a file (null otherwise)
     * @param sha256 the hex SHA-256 of a file's bytes (null otherwise)
     * @param linkTarget the target of a link (null otherwise)
     */
    public record Node(String path, ManifestEntry.Type type, int mode, Instant modified, byte[] content,
                       String sha256, String linkTarget) {
        /**
         * The size of a file.
         *
         * @return its length, 0 for others
         */
        public long size() {
            return content == null ? 0 : content.length;
        }
    }

    private final List<Node> nodes;

    /**
     * A tree of the given entries.
     *
     * @param nodes the entries, parents before children
     */
    public ByteTree(List<Node> nodes) {
        List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(Node::path));
        this.nodes = Collections.unmodifiableList(sorted);
    }

    /**
     * Reads a directory tree into memory, not following links.
     *
     * @param root the directory
     * @param progress gets {@code read} progress in files
     * @param cancellation checked between files
     * @return the tree
     * @throws ResilienceException {@code IO_ERROR} if unreadable or holding special files, {@code CANCELLED}
     */
    public static ByteTree read(Path root, ProgressListener progress, Cancellation cancellation) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot read " + root + ": not a directory");
        }
        List<Node> out = new ArrayList<>();
        try {
            Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                    if (!dir.equals(root)) {
                        out.add(new Node(rel(root, dir), ManifestEntry.Type.DIRECTORY, KitFiles.mode(dir),
                                a.lastModifiedTime().toInstant(), null, null, null));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    cancellation.throwIfCancelled("reading " + root);
                    if (a.isSymbolicLink()) {
                        out.add(new Node(rel(root, f), ManifestEntry.Type.SYMLINK, 0777, a.lastModifiedTime().toInstant(),
                                null, null, Files.readSymbolicLink(f).toString()));
                    } else if (a.isRegularFile()) {
                        byte[] content = Files.readAllBytes(f);
                        out.add(new Node(rel(root, f), ManifestEntry.Type.FILE, KitFiles.mode(f),
                                a.lastModifiedTime().toInstant(), content, KitFiles.sha256(content), null));
                        progress.progress("read", out.size(), -1, "entries");
                    } else {
                        throw new ResilienceException(ErrorCode.IO_ERROR, "cannot copy " + f
                                + ": not a regular file, directory or link");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw KitFiles.ioError("read", root, e);
        }
        return new ByteTree(out);
    }

    /**
     * The entries, sorted by path.
     *
     * @return the entries
     */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * The number of regular files.
     *
     * @return the count
     */
    public long fileCount() {
        return nodes.stream().filter(n -> n.type() == ManifestEntry.Type.FILE).count();
    }

    /**
     * The total size of the regular files.
     *
     * @return bytes
     */
    public long size() {
        return nodes.stream().mapToLong(Node::size).sum();
    }

    /**
     * Writes the tree out so that it appears whole at {@code target}: first into a hidden sibling, then by
     * one rename. {@code target} must not exist, or be an empty directory (which the rename replaces).
     *
     * @param target where the tree appears
     * @param progress gets {@code write} progress in bytes
     * @param cancellation checked between files; a cancelled write leaves nothing behind
     * @throws ResilienceException {@code CANCELLED}, {@code IO_ERROR} or {@code NOT_WRITABLE}
     */
    public void writeTo(Path target, ProgressListener progress, Cancellation cancellation) {
        Path parent = target.toAbsolutePath().getParent();
        Path temp = parent.resolve("." + target.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            Files.createDirectory(temp);
            long total = size();
            long done = 0;
            for (Node n : nodes) {
                cancellation.throwIfCancelled("writing " + target);
                Path p = temp.resolve(n.path());
                switch (n.type()) {
                    case DIRECTORY -> Files.createDirectory(p);
                    case SYMLINK -> Files.createSymbolicLink(p, Path.of(n.linkTarget()));
                    case FILE -> {
                        Files.write(p, n.content());
                        done += n.size();
                        progress.progress("write", done, total, "bytes");
                    }
                }
            }
            // Modes and times last, deepest first: writing a child changes its directory's time, and a
            // read-only directory could not take children.
            List<Node> bottomUp = new ArrayList<>(nodes);
            Collections.reverse(bottomUp);
            for (Node n : bottomUp) {
                Path p = temp.resolve(n.path());
                if (n.type() != ManifestEntry.Type.SYMLINK) {
                    Files.setPosixFilePermissions(p, KitFiles.permissions(n.mode()));
                }
                Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(n.modified()), null, null);
            }
            cancellation.throwIfCancelled("writing " + target);
            // rename(2) replaces an empty directory; a non-empty one makes it fail, as it should.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw KitFiles.ioError("write", target, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            TestBackups.makeWritable(temp);
            KitFiles.deleteTree(temp);
        } catch (RuntimeException ignored) {
            // Cleanup must not hide the first failure; a leftover hidden partial is never read as a backup.
        }
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }
}
