package org.resilient.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** What a component does with the files an external tool wrote. */
public final class ToolOutput {
    private ToolOutput() {
    }

    /**
     * Makes a tree a tool wrote readable by the owner only (directories 0700, files 0600, links left alone): tools
     * create their files by their own umask, and a dump holds every row (and, for a database server's globals,
     * password verifiers).
     *
     * @param dir the tree, e.g. an export's dump directory
     * @throws ResilienceException {@code IO_ERROR} if a mode cannot be set
     */
    public static void makePrivate(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p)
                            ? "rwx------" : "rw-------"));
                }
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot make the dump in " + dir + " private: " + e);
        }
    }

    /**
     * Deletes everything inside a directory a tool wrote into (not the directory itself), so the tool can run again.
     *
     * @param dir the directory
     * @throws ResilienceException {@code IO_ERROR} if something cannot be deleted
     */
    public static void clear(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot clear " + dir + " for another run: " + e);
        }
    }
}
