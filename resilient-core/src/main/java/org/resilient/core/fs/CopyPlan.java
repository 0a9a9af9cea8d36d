package org.resilient.core.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * One directory of the source of a {@link TreeCopy}, listed without following links: its subdirectories, regular
 * files and symbolic links with their attributes, and the size of its files. A copy lists one directory at a time,
 * so that memory is bounded by the widest directory, not by the size of the tree.
 */
final class CopyPlan {
    /** An entry of the source: its path relative to the source root, its attributes and its full mode bits. */
    record Item(Path rel, PosixFileAttributes attrs, int mode) {
    }

    /**
     * What the listing leaves out, and who is told.
     *
     * @param skipVanished whether an entry that disappears while listed is skipped (else the listing fails)
     * @param skipSpecial whether FIFOs, sockets and devices are skipped (else the listing fails)
     * @param skipUnreadable whether entries this user cannot read are skipped (else the listing fails)
     * @param excluded relative paths not to copy (a directory's content goes with it)
     * @param vanished told of each vanished entry, by relative path
     * @param skipped told of each special or unreadable entry skipped, by relative path, with the reason
     */
    record Filter(boolean skipVanished, boolean skipSpecial, boolean skipUnreadable, Predicate<Path> excluded,
                  Consumer<Path> vanished, BiConsumer<Path, String> skipped) {
    }

    final List<Item> dirs = new ArrayList<>();
    final List<Item> files = new ArrayList<>();
    final List<Item> links = new ArrayList<>();
    long totalBytes;

    private CopyPlan() {
    }

    /**
     * Lists one directory of a source tree, leaving out what the filter says.
     *
     * @param source the source root
     * @param dir the directory to list (the root or one below it)
     * @param filter what to leave out
     * @return the listing, or null if the directory vanished or is unreadable and the filter skips it (it was told)
     * @throws IOException if the directory cannot be read
     * @throws ResilienceException {@code IO_ERROR} for a special or unreadable entry the filter does not skip
     *     ({@link Unreadable} for the latter)
     */
    static CopyPlan of(Path source, Path dir, Filter filter) throws IOException {
        CopyPlan plan = new CopyPlan();
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(children::add);
        } catch (NoSuchFileException e) {
            if (filter.skipVanished() && !dir.equals(source)) {
                filter.vanished().accept(source.relativize(dir));
                return null;
            }
            throw e;
        } catch (AccessDeniedException e) {
            if (dir.equals(source)) {
                throw e;
            }
            return unreadable(filter, dir, source.relativize(dir));
        }
        for (Path p : children) {
            Path rel = source.relativize(p);
            if (filter.excluded().test(rel)) {
                continue;
            }
            PosixFileAttributes pa;
            try {
                pa = posix(p);
            } catch (NoSuchFileException e) {
                if (!filter.skipVanished()) {
                    throw e;
                }
                filter.vanished().accept(rel);
                continue;
            }
            if (pa.isDirectory()) {
                plan.dirs.add(new Item(rel, pa, mode(p, pa)));
            } else if (pa.isSymbolicLink()) {
                plan.links.add(new Item(rel, pa, org.resilient.support.fs.PosixModes.bits(pa.permissions())));
            } else if (pa.isRegularFile()) {
                if (!Files.isReadable(p)) {
                    unreadable(filter, p, rel);
                    continue;
                }
                plan.files.add(new Item(rel, pa, mode(p, pa)));
                plan.totalBytes += pa.size();
            } else if (filter.skipSpecial()) {
                filter.skipped().accept(rel, "it is a FIFO, socket or device, not a regular file, directory"
                        + " or symbolic link");
            } else {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot copy " + p
                        + ": not a regular file, directory or symbolic link (device, socket or pipe)");
            }
        }
        return plan;
    }

    private static CopyPlan unreadable(Filter filter, Path file, Path rel) {
        if (!filter.skipUnreadable()) {
            throw new Unreadable(file);
        }
        filter.skipped().accept(rel, "it is not readable by this user");
        return null;
    }

    /** The type each name of this directory must have in the target: 'd', 'f' or 'l'. */
    Map<String, Character> types() {
        Map<String, Character> want = new HashMap<>();
        dirs.forEach(i -> want.put(i.rel.getFileName().toString(), 'd'));
        files.forEach(i -> want.put(i.rel.getFileName().toString(), 'f'));
        links.forEach(i -> want.put(i.rel.getFileName().toString(), 'l'));
        return want;
    }

    /** An entry of the source this user may not read. */
    static final class Unreadable extends ResilienceException {
        private static final long serialVersionUID = 1L;
        private final transient Path path;

        Unreadable(Path path) {
            super(ErrorCode.IO_ERROR, "cannot read " + path + ": permission denied for user "
                    + System.getProperty("user.name") + "; make it readable by this user");
            this.path = path;
        }

        /** @return the entry */
        Path path() {
            return path;
        }
    }

    static PosixFileAttributes posix(Path p) throws IOException {
        return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * An entry's mode with the set-user-id, set-group-id and sticky bits, which POSIX permissions leave out (and
     * setting them clears): a program installed setuid must stay setuid after a round trip.
     */
    static int mode(Path p, PosixFileAttributes a) throws IOException {
        int perms = org.resilient.support.fs.PosixModes.bits(a.permissions());
        try {
            Object m = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return m instanceof Integer i ? (i & 07000) | perms : perms;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return perms; // no unix view: only the permissions are known
        }
    }
}
