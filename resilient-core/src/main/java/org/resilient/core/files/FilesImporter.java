package org.resilient.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Importer;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.core.fs.DirectorySwap;
import org.resilient.core.fs.TreeCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the standby directory by a backup's data atomically: the data is copied into a sibling directory
 * (same file system), flushed to disk, checked against the backup's manifest, and swapped in by renames
 * ({@link DirectorySwap}). A failed or
 * cancelled import removes its copy and leaves the previous standby whole; an import interrupted during the
 * swap is repaired when the importer starts.
 */
final class FilesImporter implements Importer {
    private static final Logger LOG = LoggerFactory.getLogger(FilesImporter.class);

    private final Path target;
    private final Path live;

    /**
     * An importer.
     *
     * @param target the standby directory imports replace, or null on a node that only exports
     * @param live the live directory that promotion opens and demotion fences
     */
    FilesImporter(Path target, Path live) {
        this.target = target;
        this.live = live;
        if (target == null) {
            return;
        }
        try {
            swap().recover();
        } catch (ResilienceException e) {
            // Not fatal here: importBackup() tries again and reports the failure where it matters.
            LOG.warn("could not check {} for an interrupted import: {}", target, e.getMessage());
        }
    }

    @Override
    public void importBackup(ImportContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        if (target == null) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "files.target is not set: an import node needs "
                    + "the standby directory that imports replace");
        }
        DirectorySwap swap = swap();
        swap.recover();
        Path effective = swap.target();
        if (Files.exists(effective, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(effective, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "files.target " + effective
                    + " exists and is not a directory; point files.target to a directory (it is replaced whole)");
        }
        refuseMountPoint(effective);
        String id = context.backupId().value();
        Path staged = swap.staging(id);
        try {
            prepareParent(effective.getParent(), staged);
            TreeCopy.from(context.directory()).fsync(true).progress("import", context.progress())
                    .cancellation(context.cancellation()).copyTo(staged);
            context.cancellation().throwIfCancelled("import of " + id + " into " + effective);
            StagedCopyCheck.check(staged, context);
            context.cancellation().throwIfCancelled("import of " + id + " into " + effective);
            swapKeepingFence(swap, id, log);
        } catch (RuntimeException e) {
            deleteQuietly(staged, e);
            if (e instanceof ResilienceException r && r.code() == ErrorCode.NOT_WRITABLE) {
                throw notWritable(effective, r);
            }
            throw e;
        }
        log.info("imported backup {} into {}", id, effective);
    }

    /**
     * Swaps the staged copy in. A demoted node's standby stays fenced: the old tree gets its mode back (a fenced
     * tree cannot be deleted by a user that is not root), the new one is fenced as soon as it is in place.
     */
    private void swapKeepingFence(DirectorySwap swap, String id, Logger log) {
        DirectoryFence fence = new DirectoryFence(target, log);
        if (!target.equals(live) || !fence.fenced()) {
            swap.swap(id);
            return;
        }
        fence.swapFenced(() -> swap.swap(id));
    }

    /** The swap for the target, through a link if the target is one (the link's directory is replaced). */
    private DirectorySwap swap() {
        Path t = target;
        if (Files.isSymbolicLink(t)) {
            try {
                t = t.toRealPath();
            } catch (IOException e) {
                throw AtomicFiles.ioError("resolve the link", target, e);
            }
        }
        return new DirectorySwap(t);
    }

    /**
     * A mount point cannot be renamed, and its siblings lie on another file system: the swap would fail after
     * copying everything. Refuse at once, saying what to configure instead.
     */
    private static void refuseMountPoint(Path target) {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            if (!Files.getFileStore(target).equals(Files.getFileStore(target.getParent()))) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "files.target " + target
                        + " is a mount point; the import swaps the whole directory by renames, which a mount point "
                        + "does not allow. Point files.target to a directory inside the mounted file system");
            }
        } catch (IOException e) {
            throw AtomicFiles.ioError("inspect", target, e);
        }
    }

    private static void prepareParent(Path parent, Path staged) {
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw AtomicFiles.ioError("create the directory", parent, e);
        }
        if (!Files.isWritable(parent)) {
            throw new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot create " + staged + ": permission denied");
        }
    }

    private static ResilienceException notWritable(Path target, ResilienceException cause) {
        return new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot import into " + target + ": its directory "
                + target.getParent() + " is not writable (" + cause.getMessage() + "). The import prepares the new "
                + "copy beside the standby and swaps it in, so make " + target.getParent()
                + " writable by this user. The standby is unchanged.", cause);
    }

    private static void deleteQuietly(Path staged, RuntimeException failure) {
        try {
            AtomicFiles.deleteTree(staged);
        } catch (ResilienceException e) {
            failure.addSuppressed(e);
        }
    }

    /** Lifts a demotion's fence ({@link DirectoryFence}); a directory never fenced is writable already. */
    @Override
    public void promote(RoleChangeContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        new DirectoryFence(live, log).lift();
        log.info("promoted {} to the live copy in epoch {}", live, context.epoch());
    }

    /**
     * Fences the live directory ({@link DirectoryFence}): its mode becomes 0000, so that processes other than
     * root and the owner cannot reach the tree; the data stays as it is. Idempotent.
     */
    @Override
    public void demote(RoleChangeContext context) {
        Logger log = LoggerFactory.getLogger(context.loggerName());
        new DirectoryFence(live, log).fence();
        log.info("demoted {}: another node leads in epoch {}; the directory is fenced (mode 0000) until promoted",
                live, context.epoch());
    }

    @Override
    public String toString() {
        return "FilesImporter[" + (target != null ? target : live) + "]";
    }
}
