package org.resilient.support.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The modes of what resilient creates for itself (node directories, backups, dumps, the archive, state files): only
 * the owner may read them (directories 0700, files 0600), as they hold every row of the databases and, in
 * PostgreSQL's {@code globals.sql}, password verifiers. A site whose operators share a group can open them to it
 * (0750/0640, e.g. with {@code archive.group-readable}); never to other users.
 *
 * <p>The modes are set explicitly after creating, not left to the process's umask (which differs between a shell,
 * a service and a test run). Backup data copied from a source keeps the source's modes (an import restores them
 * from there): it is private because the directories above it are.
 */
public final class FileModes {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_DIR = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> GROUP_FILE = PosixFilePermissions.fromString("rw-r-----");
    private static volatile boolean groupReadable;

    private FileModes() {
    }

    /**
     * Opens what is created from now on to the owner's group (read only), or closes it again.
     *
     * @param readable true for 0750/0640, false for 0700/0600 (the default)
     */
    public static void groupReadable(boolean readable) {
        groupReadable = readable;
    }

    /**
     * The mode of a directory resilient creates.
     *
     * @return 0700, or 0750 when group-readable
     */
    public static Set<PosixFilePermission> directory() {
        return groupReadable ? GROUP_DIR : DIR;
    }

    /**
     * The mode of a file resilient writes for itself.
     *
     * @return 0600, or 0640 when group-readable
     */
    public static Set<PosixFilePermission> file() {
        return groupReadable ? GROUP_FILE : FILE;
    }

    /**
     * The file mode as an attribute for creating a file (the umask may still remove bits; {@link #restrict} sets
     * the mode exactly).
     *
     * @return the attribute
     */
    public static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(file());
    }

    /**
     * Creates a directory and its missing parents, giving each one it creates the private mode; existing ones
     * are left as they are (they may be the operator's).
     *
     * @param dir the directory
     * @return the directory
     * @throws IOException on failure
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return dir;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(abs);
            Files.setPosixFilePermissions(abs, directory());
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
        }
        return dir;
    }

    /**
     * Gives a file resilient wrote for itself the private mode (never following a link).
     *
     * @param file the file
     * @throws IOException on failure
     */
    public static void restrict(Path file) throws IOException {
        if (!Files.isSymbolicLink(file)) {
            Files.setPosixFilePermissions(file, Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) ? directory()
                    : file());
        }
    }
}
