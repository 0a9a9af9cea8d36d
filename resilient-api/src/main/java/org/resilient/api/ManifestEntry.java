package org.resilient.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a {@link Manifest}: a regular file, a directory or a symbolic link of a backup.
 *
 * <p>The path is relative to the backup's data directory, uses {@code /} as separator, and can never
 * leave it: absolute paths, {@code .} and {@code ..} segments, empty segments, backslashes and control
 * characters are refused when the entry is made, so a manifest read from untrusted bytes cannot name
 * {@code /etc/passwd} or {@code ../x}.
 *
 * @param path relative path, {@code /}-separated
 * @param type what the entry is
 * @param size size in bytes (files only; 0 otherwise)
 * @param mode POSIX permission bits, e.g. {@code 0644}
 * @param modified last modification time
 * @param sha256 lowercase hex SHA-256 of the content (files only; null otherwise)
 * @param linkTarget the target text of a symbolic link (links only; null otherwise), kept verbatim
 */
public record ManifestEntry(String path, Type type, long size, int mode, Instant modified, String sha256,
                            String linkTarget) implements Comparable<ManifestEntry> {

    /** What an entry is. */
    public enum Type {
        /** A regular file with content. */
        FILE,
        /** A directory (listed so that empty directories survive). */
        DIRECTORY,
        /** A symbolic link, kept as a link and never followed. */
        SYMLINK
    }

    /**
     * Checks the entry.
     *
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} if the path is unsafe or a field
     *     does not fit the type
     */
    public ManifestEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(modified, "modified");
        checkPath(path);
        if (size < 0) {
            throw invalid(path, "negative size " + size);
        }
        if (mode < 0 || mode > 07777) {
            throw invalid(path, "mode out of range: " + Integer.toOctalString(mode));
        }
        if (type == Type.FILE) {
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw invalid(path, "a file needs a 64-digit lowercase hex sha256");
            }
        } else if (sha256 != null || size != 0) {
            throw invalid(path, "only files have a size and a sha256");
        }
        if ((type == Type.SYMLINK) != (linkTarget != null)) {
            throw invalid(path, "a link target is required for links and only for links");
        }
        if (linkTarget != null && (linkTarget.isEmpty() || hasControl(linkTarget))) {
            throw invalid(path, "empty link target or control characters in it");
        }
    }

    /**
     * Makes a file entry.
     *
     * @param path relative path
     * @param size size in bytes
     * @param mode permission bits
     * @param modified modification time
     * @param sha256 hex SHA-256 of the content
     * @return the entry
     */
    public static ManifestEntry file(String path, long size, int mode, Instant modified, String sha256) {
        return new ManifestEntry(path, Type.FILE, size, mode, modified, sha256, null);
    }

    /**
     * Makes a directory entry.
     *
     * @param path relative path
     * @param mode permission bits
     * @param modified modification time
     * @return the entry
     */
    public static ManifestEntry directory(String path, int mode, Instant modified) {
        return new ManifestEntry(path, Type.DIRECTORY, 0, mode, modified, null, null);
    }

    /**
     * Makes a symbolic link entry.
     *
     * @param path relative path
     * @param modified modification time of the link itself
     * @param target the link's target text
     * @return the entry
     */
    public static ManifestEntry symlink(String path, Instant modified, String target) {
        return new ManifestEntry(path, Type.SYMLINK, 0, 0777, modified, null, target);
    }

    /**
     * The path of the directory holding this entry.
     *
     * @return the parent path, or the empty string for top-level entries
     */
    public String parent() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    @Override
    public int compareTo(ManifestEntry other) {
        return path.compareTo(other.path);
    }

    /**
     * Checks that a path is relative, normalized and stays inside its root.
     *
     * @param path the path to check
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} if it is not
     */
    public static void checkPath(String path) {
        if (path == null || path.isEmpty()) {
            throw invalid(String.valueOf(path), "empty path");
        }
        if (path.startsWith("/") || path.contains("\\") || hasControl(path) || path.matches("^[A-Za-z]:.*")) {
            throw invalid(path, "absolute path or forbidden character; paths must be relative to the backup");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw invalid(path, "'.', '..' or empty segment; the path would leave the backup directory");
            }
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static ResilienceException invalid(String path, String why) {
        return new ResilienceException(ErrorCode.MANIFEST_INVALID,
                "manifest entry '" + path + "' refused: " + why + ". The backup is damaged or forged; do not import it.");
    }
}
