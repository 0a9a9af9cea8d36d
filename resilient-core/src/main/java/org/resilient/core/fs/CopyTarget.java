package org.resilient.core.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

/**
 * The target side of a {@link TreeCopy}: made ready before the copy (created, or in resume mode cleared of what
 * the source does not have), and given the source's modes and times after it.
 */
final class CopyTarget {
    private CopyTarget() {
    }

    /**
     * Creates the target, or checks it: without resume it must be empty; with resume, what an earlier copy left
     * that the source does not have (or has as another type) is removed, so that the copy never writes through a
     * link and ends equal to the source.
     */
    static void prepare(Path dst, CopyPlan plan, boolean resume) throws IOException {
        if (!Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            org.resilient.support.fs.FileModes.createDirectories(dst.getParent());
            Files.createDirectory(dst);
            return;
        }
        if (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot copy into " + dst
                    + ": it exists and is not a directory; remove it or choose another target");
        }
        if (!resume) {
            try (var s = Files.list(dst)) {
                if (s.findAny().isPresent()) {
                    throw new ResilienceException(ErrorCode.IO_ERROR, "cannot copy into " + dst
                            + ": it is not empty; remove it or choose another target");
                }
            }
            return;
        }
        AtomicFiles.makeOwnerWritable(dst);
        removeStrays(dst, plan.types());
    }

    private static void removeStrays(Path dst, Map<Path, Character> want) throws IOException {
        List<Path> strays = new ArrayList<>();
        Files.walkFileTree(dst, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                if (dir.equals(dst)) {
                    return FileVisitResult.CONTINUE;
                }
                Character w = want.get(dst.relativize(dir));
                if (w == null || w != 'd') {
                    strays.add(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                Character w = want.get(dst.relativize(file));
                char got = a.isSymbolicLink() ? 'l' : a.isRegularFile() ? 'f' : '?';
                if (w == null || w != got) {
                    strays.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path p : strays) {
            AtomicFiles.makeOwnerWritable(p.getParent());
            AtomicFiles.deleteTree(p);
        }
    }

    /** Creates the plan's directories (or makes existing ones writable), parents first. */
    static void makeDirectories(Path dst, CopyPlan plan) throws IOException {
        for (CopyPlan.Item d : plan.dirs) {
            Path p = dst.resolve(d.rel());
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
            } else {
                AtomicFiles.makeOwnerWritable(p);
            }
        }
    }

    /** Gives a directory the source's permissions and modification time, once nothing more changes inside. */
    static void finishDirectory(Path dir, PosixFileAttributes a, int mode) throws IOException {
        setMode(dir, a.permissions(), mode);
        Files.getFileAttributeView(dir, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(a.lastModifiedTime(), null, null);
    }

    /**
     * Gives an entry its mode: with the set-user-id, set-group-id or sticky bits when the source had them (POSIX
     * permissions cannot express them, and setting those permissions clears them).
     */
    static void setMode(Path p, java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions, int mode)
            throws IOException {
        if ((mode & 07000) != 0) {
            Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        } else {
            Files.setPosixFilePermissions(p, permissions);
        }
    }

    /** Sets a link's own modification time, where the platform can. */
    static void setLinkTime(Path link, FileTime time) {
        try {
            Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(time, null, null);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot set a link's own time; the link's target text is what matters.
        }
    }
}
