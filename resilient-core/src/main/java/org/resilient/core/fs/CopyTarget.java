package org.resilient.core.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
     * Creates the target, or checks it: without resume it must be empty; with resume it is made writable (what an
     * earlier copy left there is sorted out directory by directory, {@link #removeStrays}).
     */
    static void prepare(Path dst, boolean resume) throws IOException {
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
    }

    /**
     * In resume mode, removes from one target directory what an earlier copy left that the source does not have (or
     * has as another type), so that the copy never writes through a link and ends equal to the source.
     *
     * @param dir the target directory
     * @param want the type of each name the source has: 'd', 'f' or 'l'
     */
    static void removeStrays(Path dir, Map<String, Character> want) throws IOException {
        List<Path> strays = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                char got = a.isDirectory() ? 'd' : a.isSymbolicLink() ? 'l' : a.isRegularFile() ? 'f' : '?';
                Character w = want.get(p.getFileName().toString());
                if (w == null || w != got) {
                    strays.add(p);
                }
            }
        }
        for (Path p : strays) {
            AtomicFiles.deleteTree(p);
        }
    }

    /** Creates a directory of the copy, or makes an existing one writable (resume). */
    static void makeDirectory(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(p);
        } else {
            AtomicFiles.makeOwnerWritable(p);
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
