package org.resilient.core.fs;

import java.io.IOException;
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
import java.util.function.Consumer;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

/**
 * The source of a {@link TreeCopy}, listed once without following links, so that the copy works from one
 * consistent listing: its directories (in walk order, parents first), regular files and symbolic links with their
 * attributes, and the total size of the files.
 */
final class CopyPlan {
    /** An entry of the source: its path relative to the source root, and its attributes. */
    record Item(Path rel, PosixFileAttributes attrs) {
    }

    final List<Item> dirs = new ArrayList<>();
    final List<Item> files = new ArrayList<>();
    final List<Item> links = new ArrayList<>();
    PosixFileAttributes rootAttrs;
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
        CopyPlan plan = new CopyPlan();
        try {
            Files.walkFileTree(source, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                    PosixFileAttributes pa = posix(dir);
                    if (dir.equals(source)) {
                        plan.rootAttrs = pa;
                    } else {
                        plan.dirs.add(new Item(source.relativize(dir), pa));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                    Path rel = source.relativize(file);
                    if (a.isSymbolicLink()) {
                        plan.links.add(new Item(rel, posix(file)));
                    } else if (a.isRegularFile()) {
                        plan.files.add(new Item(rel, posix(file)));
                        plan.totalBytes += a.size();
                    } else {
                        throw new ResilienceException(ErrorCode.IO_ERROR, "cannot copy " + file
                                + ": not a regular file, directory or symbolic link (device, socket or pipe)");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (skipVanished && e instanceof NoSuchFileException) {
                        vanished.accept(source.relativize(file));
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", source, e);
        }
        return plan;
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
}
