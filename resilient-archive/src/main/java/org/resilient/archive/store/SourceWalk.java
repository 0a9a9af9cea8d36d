package org.resilient.archive.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.tree.TreeEntry;

/**
 * Walks the directory being stored (never following links) one directory at a time and gives its entries in the
 * tree's order: sorted by the whole relative path, parents before children. Only the names of the directories
 * being walked are held (the open directory and its ancestors), never the whole tree, so memory grows with the
 * widest directory, not with the number of files.
 *
 * <p>Sorting by whole path is not a depth-first walk: {@code c-d} sorts between the directory {@code c} and its
 * children {@code c/...} ({@code -} is below {@code /}). So a directory's own entry comes at its name, and its
 * children at the key {@code name + "/"}: each directory keeps its subdirectories waiting, smallest key first, and
 * enters one when its key comes before the next name.
 *
 * <p>Each entry costs one {@code lstat}, which also gives the inode and change time the files cache keeps.
 */
public final class SourceWalk {
    private static final String ATTRIBUTES =
            "unix:mode,ino,ctime,size,lastModifiedTime,isDirectory,isRegularFile,isSymbolicLink";
    private static final Comparator<String> BY_SUBTREE = Comparator.comparing(name -> name + "/");

    private final Path root;
    private final long racyNanos;
    private final Clock clock;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();

    /** A directory being walked: its sorted names, how far it is, and the subdirectories still to enter. */
    private record Frame(Path dir, String prefix, String[] names, int[] pos, PriorityQueue<String> waiting) {
    }

    /**
     * Starts a walk.
     *
     * @param root the directory to store
     * @param racyNanos how recent a change may be for a file's inode and change time still to be recorded for the
     *                  files cache: a file changed again within the file system's timestamp granularity would keep
     *                  the same times, so a file whose change time is this close to the walk gets none
     * @throws ResilienceException {@code IO_ERROR} if the root cannot be listed
     */
    public SourceWalk(Path root, long racyNanos, Clock clock) {
        this.root = root;
        this.racyNanos = racyNanos;
        this.clock = clock;
        enter(root, "");
    }

    /**
     * The next entry in path order.
     *
     * @return the entry, or null after the last
     * @throws ResilienceException {@code IO_ERROR} for unreadable entries, special files or names that are not
     *     UTF-8
     */
    public SourceEntry next() {
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            String name = f.pos[0] < f.names.length ? f.names[f.pos[0]] : null;
            String sub = f.waiting.peek();
            if (sub != null && (name == null || (sub + "/").compareTo(name) < 0)) {
                f.waiting.poll();
                enter(f.dir.resolve(sub), f.prefix + sub + "/");
                continue;
            }
            if (name == null) {
                stack.pop();
                continue;
            }
            f.pos[0]++;
            SourceEntry e = entry(f.dir.resolve(name), f.prefix + name);
            if (e.type() == TreeEntry.Type.DIRECTORY) {
                f.waiting.add(name);
            }
            return e;
        }
        return null;
    }

    private void enter(Path dir, String prefix) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                // Any name the file system allows is kept as it is (the tree stores it as text with its length, so
                // backslashes, control characters or a 'c:' prefix need no escaping), except bytes that are not
                // UTF-8: Java reads them as U+FFFD, and a restore would create another name. Refused now.
                checkText(p, p.getFileName(), "name");
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        String[] sorted = names.toArray(new String[0]);
        Arrays.sort(sorted);
        stack.push(new Frame(dir, prefix, sorted, new int[1], new PriorityQueue<>(BY_SUBTREE)));
    }

    private SourceEntry entry(Path p, String rel) {
        try {
            // The time before the lstat: a change after it cannot carry a change time older than this.
            long now = TimeUnit.MILLISECONDS.toNanos(clock.millis());
            Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            int mode = ((Integer) a.get("mode")) & 07777;
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            if ((Boolean) a.get("isSymbolicLink")) {
                Path target = Files.readSymbolicLink(p);
                checkText(p, target, "link target");
                return new SourceEntry(p, rel, TreeEntry.Type.SYMLINK, mode, mtime, 0, target.toString(), null);
            }
            if ((Boolean) a.get("isDirectory")) {
                return new SourceEntry(p, rel, TreeEntry.Type.DIRECTORY, mode, mtime, 0, null, null);
            }
            if ((Boolean) a.get("isRegularFile")) {
                FileTime ctime = (FileTime) a.get("ctime");
                long c = ctime.to(TimeUnit.NANOSECONDS);
                TreeEntry.Stat stat = c < now - racyNanos
                        ? new TreeEntry.Stat((Long) a.get("ino"), c) : null;
                return new SourceEntry(p, rel, TreeEntry.Type.FILE, mode, mtime, (Long) a.get("size"), null, stat);
            }
            throw new IOException(p + " is neither a file, a directory nor a symbolic link; a backup holds no "
                    + "special files");
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private ResilienceException unreadable(IOException e) {
        return new ResilienceException(ErrorCode.IO_ERROR, "cannot read the directory to store " + root + ": " + e, e);
    }

    /**
     * Refuses a name (or link target) whose bytes do not survive the round trip through a Java string: bytes
     * that are not UTF-8 (the platform's file name encoding) come back as U+FFFD, another name.
     */
    private void checkText(Path p, Path text, String what) {
        if (text != null && !text.getFileSystem().getPath(text.toString()).equals(text)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot store " + root + ": the " + what + " of '"
                    + p + "' is not valid UTF-8 (shown with U+FFFD for the bytes that are not), so it could not be "
                    + "restored under the same name. Rename it to UTF-8 (e.g. convmv -f latin1 -t utf8 --notest) "
                    + "and store again; nothing was stored");
        }
    }
}
