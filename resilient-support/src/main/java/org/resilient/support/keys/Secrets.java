package org.resilient.support.keys;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Passwords of key stores, kept in files readable by their owner only (never in argv, settings or logs): the one
 * place that reads and writes them, for the TLS of the https transport and the signatures of every node.
 */
public final class Secrets {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Secrets() {
    }

    /**
     * Reads a password file: its first line, without the line end.
     *
     * @param file the file
     * @param key the setting that named it, for the error
     * @return the password
     * @throws ResilienceException {@code CONFIG_INVALID} if the file is missing, empty, or readable by group or
     *     others (the message never holds the password)
     */
    public static char[] readPassword(Path file, String key) {
        if (file == null) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "missing setting '" + key
                    + "': name the file holding the key store's password (mode 0600), as 'resilient keys' wrote it");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "password file " + file + " (" + key
                        + ") is readable by others (mode " + PosixFilePermissions.toString(perms)
                        + "); run: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its ACLs are the administrator's business.
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot read password file " + file + " (" + key
                    + "): " + e.getClass().getSimpleName() + "; check the setting and that the file exists", e);
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
            if (line.isEmpty()) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "password file " + file + " (" + key
                        + ") is empty; write the password on its first line");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot read password file " + file + " (" + key
                    + "): " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes a new secret file with mode 0600 from the start (never briefly readable by others).
     *
     * @param file the file, which must not exist
     * @param bytes the content
     * @throws IOException if it exists or cannot be written
     */
    public static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.write(file, bytes);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
    }
}
