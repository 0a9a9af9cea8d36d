package org.resilient.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell command as an ordinary process that owns a directory, the writer a fence must stop: when the
 * tests run as root (who ignores permissions), as the user {@code nobody}, given ownership of the directory for
 * the duration; otherwise as the current user, who owns it already.
 */
final class OrdinaryProcess {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private OrdinaryProcess() {
    }

    /**
     * Runs {@code sh -c script} with {@code $1} set to the directory.
     *
     * @param dir the directory the process owns (its parents must be searchable by others when run as root)
     * @param script the shell script
     * @return true if it exited with 0
     */
    static boolean run(Path dir, String script) {
        try {
            UserPrincipal owner = Files.getOwner(dir);
            if (ROOT) {
                Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            }
            try {
                List<String> cmd = new ArrayList<>();
                if (ROOT) {
                    cmd.addAll(List.of("runuser", "-u", "nobody", "--"));
                }
                cmd.addAll(List.of("sh", "-c", script, "probe", dir.toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("probe '" + script + "' hung");
                }
                return p.exitValue() == 0;
            } finally {
                Files.setOwner(dir, owner);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Lets others search a directory and its parents inside the temporary directory (JUnit's are 0700), so that
     * {@code nobody} can reach what lies below.
     *
     * @param dir the directory
     */
    static void letOthersThrough(Path dir) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(tmp) && !p.equals(tmp); p = p.getParent()) {
            try {
                var perms = Files.getPosixFilePermissions(p);
                perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, perms);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
