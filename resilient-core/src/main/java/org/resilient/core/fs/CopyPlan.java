package org.resilient.core.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

/**
 * The source of a {@link TreeCopy}, listed once without following links, so that the copy works from one
 * consistent listing: its directories (in walk order, parents first), regular files and symbolic links with their
 * attributes, and the total size of the files.
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
    PosixFileAttributes rootAttrs;
    int rootMode;
    long totalBytes;

    private CopyPlan() {
    }

    /**
     * Lists a source tree.
     *
     * @param source the source root (a directory)
     * @param skipVanished whether an entry that disappears while listed is skipped (else the listing fails)
     * @param vanished told of each skipped entry, by relative path
     * @return the plan
     * @throws ResilienceException {@code IO_ERROR} for a special file (device, socket, pipe) or a read failure
     */
    static CopyPlan of(Path source, boolean skipVanished, Consumer<Path> vanished) {
        return of(source, new Filter(skipVanished, false, false, p -> false, vanished, (p, why) -> { }));
    }

    /**
     * Lists a source tree, leaving out what the filter says.
     *
     * @param source the source root (a directory)
     * @param filter what to leave out
     * @return the plan
     * @throws ResilienceException {@code IO_ERROR} for a special or unreadable entry the filter does not skip
     *     ({@link Unreadable} for the latter) or a read failure
     */
    static CopyPlan of(Path source, Filter filter) {
        CopyPlan plan = new CopyPlan();
        try {
            Files.walkFileTree(source, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                    PosixFileAttributes pa = posix(dir);
                    if (dir.equals(source)) {
                        plan.rootAttrs = pa;
                        plan.rootMode = mode(dir, pa);
                        return FileVisitResult.CONTINUE;
                    }
                    Path rel = source.relativize(dir);
                    if (filter.excluded().test(rel)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    plan.dirs.add(new Item(rel, pa, mode(dir, pa)));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                    Path rel = source.relativize(file);
                    if (filter.excluded().test(rel)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (a.isSymbolicLink()) {
                        PosixFileAttributes pa = posix(file);
                        plan.links.add(new Item(rel, pa, org.resilient.support.fs.PosixModes.bits(pa.permissions())));
                    } else if (a.isRegularFile()) {
                        if (!Files.isReadable(file)) {
                            return unreadable(file, rel);
                        }
                        PosixFileAttributes pa = posix(file);
                        plan.files.add(new Item(rel, pa, mode(file, pa)));
                        plan.totalBytes += a.size();
                    } else if (filter.skipSpecial()) {
                        filter.skipped().accept(rel, "it is a FIFO, socket or device, not a regular file, directory"
                                + " or symbolic link");
                    } else {
                        throw new ResilienceException(ErrorCode.IO_ERROR, "cannot copy " + file
                                + ": not a regular file, directory or symbolic link (device, socket or pipe)");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (filter.skipVanished() && e instanceof NoSuchFileException) {
                        filter.vanished().accept(source.relativize(file));
                        return FileVisitResult.CONTINUE;
                    }
                    if (e instanceof AccessDeniedException && !file.equals(source)) {
                        Path rel = source.relativize(file);
                        return filter.excluded().test(rel) ? FileVisitResult.CONTINUE : unreadable(file, rel);
                    }
                    throw e;
                }

                private FileVisitResult unreadable(Path file, Path rel) {
                    if (!filter.skipUnreadable()) {
                        throw new Unreadable(file);
                    }
                    filter.skipped().accept(rel, "it is not readable by this user");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", source, e);
        }
        return plan;
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

    /** The type each relative path must have in the target: 'd', 'f' or 'l'. */
    Map<Path, Character> types() {
        Map<Path, Character> want = new HashMap<>();
        dirs.forEach(i -> want.put(i.rel, 'd'));
        files.forEach(i -> want.put(i.rel, 'f'));
        links.forEach(i -> want.put(i.rel, 'l'));
        return want;
    }

    private static PosixFileAttributes posix(Path p) throws IOException {
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
