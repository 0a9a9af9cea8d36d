package org.resilient.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a directory unwritable, also for root (who ignores permission bits): with the immutable attribute
 * ({@code chattr +i}) when running as root, with mode 0555 otherwise.
 */
final class ReadOnly implements AutoCloseable {
    private final Path dir;
    private final boolean root;

    ReadOnly(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run("chattr", "+i", dir.toString());
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (root) {
            run("chattr", "-i", dir.toString());
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed; the test needs a file system supporting it");
        }
    }
}
