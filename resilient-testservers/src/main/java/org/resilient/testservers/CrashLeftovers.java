package org.resilient.testservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What the kill tests of the components leave behind on purpose: a secret file as a killed process leaves it.
 */
public final class CrashLeftovers {
    private CrashLeftovers() {
    }

    /**
     * Leaves a secret file the way a process killed with {@code kill -9} leaves it: in this user's secrets directory
     * ({@code <tmp>/resilient-secrets-<user>}), named with the pid of a process that has ended.
     *
     * @param prefix the start of its name, e.g. {@code pgpass}
     * @return the file
     * @throws IOException if it cannot be written
     * @throws InterruptedException if interrupted while making a dead pid
     */
    public static Path orphanSecret(String prefix) throws IOException, InterruptedException {
        String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "resilient-secrets-" + user);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Process gone = new ProcessBuilder("true").start();
        if (gone.waitFor() != 0) {
            throw new IOException("'true' failed");
        }
        Path f = dir.resolve(prefix + "-" + gone.pid() + "-1700000000000-0badc0de");
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, "[client]\npassword=not-a-real-password\n");
        return f;
    }
}
