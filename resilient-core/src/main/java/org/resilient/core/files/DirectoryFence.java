package org.resilient.core.files;

import org.resilient.support.fs.PosixModes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.manifest.TreeScanner;
import org.resilient.support.fs.AtomicFiles;
import org.slf4j.Logger;

/**
 * Fences a live directory against ordinary processes, and lifts the fence exactly: what {@code demote} and
 * {@code promote} mean for the {@code files} component.
 *
 * <p>The fence takes every permission off the directory itself (mode {@code 0000}). A process that is not root
 * then cannot open, create, rename or delete anything through a path into the tree, whatever the modes below,
 * and the owner can do so only after a deliberate {@code chmod}. Only the one mode changes: the files, their
 * modes and times, which are the component's data, stay exactly as they were, and the tree's root is no part
 * of a backup. The directory's previous mode is recorded first, in {@code .<name>.resilient-fence} beside it
 * (written atomically; outside the tree, so never exported), which also marks the directory as fenced: a second
 * fence keeps the record, and lifting restores exactly that mode.
 *
 * <p>What it cannot stop, and says: root; the owner, who can {@code chmod} back; and processes already inside,
 * whose working directory lies in the tree or which hold files or directories of it open (relative paths and
 * open descriptors do not pass through the directory's mode again). Those processes are looked for in
 * {@code /proc} and named in a warning.
 */
final class DirectoryFence {
    private static final int MAX_NAMED = 10;

    private final Path live;
    private final Logger log;

    /**
     * A fence for one directory.
     *
     * @param live the live directory
     * @param log where to log
     */
    DirectoryFence(Path live, Logger log) {
        this.live = live;
        this.log = log;
    }

    /**
     * Whether the directory is fenced (its record exists).
     *
     * @return true if fenced
     */
    boolean fenced() {
        return Files.exists(record(), LinkOption.NOFOLLOW_LINKS);
    }

    /** Fences the directory; idempotent (an existing record is kept). A missing directory is left alone. */
    void fence() {
        if (!Files.isDirectory(live)) {
            log.warn("nothing to fence: {} is not a directory", live);
            return;
        }
        try {
            if (!fenced()) {
                // the directory's own mode, also when files.* names it through a link
                AtomicFiles.write(record(), (Integer.toOctalString(PosixModes.mode(live.toRealPath())) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            Files.setPosixFilePermissions(live, PosixModes.permissions(0));
        } catch (IOException e) {
            throw AtomicFiles.ioError("fence", live, e);
        }
        List<String> inside = processesInside();
        if (!inside.isEmpty()) {
            log.warn("{} is fenced (mode 0000), but these processes are inside it (working directory or open "
                    + "files) and can still write: {}; stop them", live, inside);
        }
    }

    /**
     * Replaces the fenced tree by another (an import's swap) keeping it fenced: the old tree gets its recorded mode
     * back for the swap (a user that is not root cannot delete a tree it cannot enter), the tree in place after the
     * swap (the new one, or the old one if the swap failed) is fenced again with its own mode recorded. The record
     * stays throughout, so a crash in between leaves the directory marked as fenced for the next demotion.
     *
     * @param swap the swap
     */
    void swapFenced(Runnable swap) {
        try {
            Files.setPosixFilePermissions(live, PosixModes.permissions(recordedMode() & 07777));
            try {
                swap.run();
            } finally {
                if (Files.isDirectory(live)) {
                    AtomicFiles.write(record(), (Integer.toOctalString(PosixModes.mode(live.toRealPath())) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                    Files.setPosixFilePermissions(live, PosixModes.permissions(0));
                }
            }
        } catch (IOException e) {
            throw AtomicFiles.ioError("keep the fence of", live, e);
        }
    }

    /** Lifts the fence: the directory gets its recorded mode back and the record goes. Nothing if not fenced. */
    void lift() {
        if (!fenced()) {
            return;
        }
        int mode = recordedMode();
        try {
            if (Files.isDirectory(live)) {
                Files.setPosixFilePermissions(live, PosixModes.permissions(mode & 07777));
            }
            Files.delete(record());
        } catch (IOException e) {
            throw AtomicFiles.ioError("lift the fence of", live, e);
        }
    }

    private int recordedMode() {
        try {
            return Integer.parseInt(Files.readString(record(), StandardCharsets.UTF_8).trim(), 8);
        } catch (IOException | NumberFormatException e) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "cannot read the fence record " + record() + " ("
                    + e.getMessage() + "); chmod " + live + " to its mode by hand and delete the record");
        }
    }

    private Path record() {
        return live.resolveSibling("." + live.getFileName() + ".resilient-fence");
    }

    /** Processes whose working directory or open files lie in the tree (Linux {@code /proc}; none elsewhere). */
    private List<String> processesInside() {
        List<String> found = new ArrayList<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return found;
        }
        Path real;
        try {
            real = live.toRealPath();
        } catch (IOException e) {
            return found;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path pid : pids) {
                if (found.size() >= MAX_NAMED) {
                    break;
                }
                if (Long.parseLong(pid.getFileName().toString()) != self && inside(pid, real)) {
                    found.add(pid.getFileName() + " (" + ProcessHandle.of(Long.parseLong(pid.getFileName().toString()))
                            .flatMap(h -> h.info().command()).orElse("?") + ")");
                }
            }
        } catch (IOException e) {
            log.debug("cannot list /proc to find processes inside {}: {}", live, e.getMessage());
        }
        return found;
    }

    private static boolean inside(Path pid, Path tree) {
        try {
            if (Files.readSymbolicLink(pid.resolve("cwd")).startsWith(tree)) {
                return true;
            }
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
                for (Path fd : fds) {
                    if (Files.readSymbolicLink(fd).startsWith(tree)) {
                        return true;
                    }
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the process ended, or is not ours to look at
        }
        return false;
    }
}
