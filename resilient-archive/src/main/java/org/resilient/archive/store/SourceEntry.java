package org.resilient.archive.store;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.tree.TreeEntry;

/**
 * One entry of the directory being stored, as found by walking it without following links.
 *
 * @param file the absolute path
 * @param path the path relative to the stored directory, {@code /}-separated
 * @param type the type
 * @param mode the mode bits
 * @param mtime the modification time
 * @param size the size of a file
 * @param linkTarget the target of a link
 */
public record SourceEntry(Path file, String path, TreeEntry.Type type, int mode, FileTime mtime, long size,
                          String linkTarget) {

    /**
     * Walks a directory (never following links) and lists its entries sorted by path.
     *
     * @param root the directory
     * @return the entries, parents before children
     * @throws ResilienceException {@code IO_ERROR} for unreadable entries or special files
     */
    public static List<SourceEntry> walk(Path root) {
        List<SourceEntry> out = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                            if (!dir.equals(root)) {
                                out.add(entry(root, dir, a));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                            out.add(entry(root, file, a));
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            throw e;
                        }
                    });
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read the directory to store " + root + ": "
                    + e, e);
        }
        out.sort((a, b) -> a.path.compareTo(b.path));
        return out;
    }

    private static SourceEntry entry(Path root, Path p, BasicFileAttributes a) throws IOException {
        StringBuilder rel = new StringBuilder();
        for (Path part : root.relativize(p)) {
            if (rel.length() > 0) {
                rel.append('/');
            }
            rel.append(part);
        }
        // Any name the file system allows is kept as it is (the tree stores it as text with its length, so
        // backslashes, control characters or a 'c:' prefix need no escaping), except bytes that are not UTF-8:
        // Java reads them as U+FFFD, and a restore would create another name. Refused now, naming the file.
        checkText(root, p, p.getFileName(), "name");
        int mode = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
        if (a.isSymbolicLink()) {
            Path target = Files.readSymbolicLink(p);
            checkText(root, p, target, "link target");
            return new SourceEntry(p, rel.toString(), TreeEntry.Type.SYMLINK, mode, a.lastModifiedTime(), 0,
                    target.toString());
        }
        if (a.isDirectory()) {
            return new SourceEntry(p, rel.toString(), TreeEntry.Type.DIRECTORY, mode, a.lastModifiedTime(), 0, null);
        }
        if (a.isRegularFile()) {
            return new SourceEntry(p, rel.toString(), TreeEntry.Type.FILE, mode, a.lastModifiedTime(), a.size(), null);
        }
        throw new IOException(p + " is neither a file, a directory nor a symbolic link; a backup holds no "
                + "special files");
    }

    /**
     * Refuses a name (or link target) whose bytes do not survive the round trip through a Java string: bytes
     * that are not UTF-8 (the platform's file name encoding) come back as U+FFFD, another name.
     */
    private static void checkText(Path root, Path p, Path text, String what) {
        if (text != null && !text.getFileSystem().getPath(text.toString()).equals(text)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot store " + root + ": the " + what + " of '"
                    + p + "' is not valid UTF-8 (shown with U+FFFD for the bytes that are not), so it could not be "
                    + "restored under the same name. Rename it to UTF-8 (e.g. convmv -f latin1 -t utf8 --notest) "
                    + "and store again; nothing was stored");
        }
    }
}
