package org.resilient.archive.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a generation out. The tree is read once; directories and links are made as they come, and files are
 * written by a pool ({@link FileWriters}): each batch of consecutive chunks is read from its pack with one read,
 * decompressed, checked against the checksum its generation recorded (or its SHA-256, in generations without
 * checksums) and written at its offset with one write (see {@link BatchDecoder}). Everything goes to a temporary
 * directory beside the target ({@link RestoreTarget}), renamed into place at the end, so a refused restore leaves
 * nothing behind.
 *
 * <p>Concurrency: a restore takes no lock of the archive, so any number of restores, verifies and lists run
 * at once and beside a store (which only adds packs). A prune can remove packs while a restore runs: a pack
 * already opened is still read whole (the file stays readable until closed); one removed before the restore
 * opens it fails the restore with {@code LOCKED} ("run the restore again"), never with wrong data (every
 * chunk is checked against its hash) nor with a false report of damage.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    private final Layout layout;
    private final RepoIndex index;
    private final int threads;
    private final OperationContext context;

    /**
     * Prepares a restore.
     *
     * @param layout the archive
     * @param index its index
     * @param threads threads to decompress and check (the pool has one more, to overlap waits for I/O)
     * @param context progress and cancellation
     */
    public Restorer(Layout layout, RepoIndex index, int threads, OperationContext context) {
        this.layout = layout;
        this.index = index;
        this.threads = threads;
        this.context = context;
    }

    /**
     * Restores a generation.
     *
     * @param id the generation id
     * @param target the directory to create (must not exist, or be empty)
     * @param partial whether to restore the intact files of a damaged generation
     * @return the damage met
     * @throws IOException on a write failure
     */
    public List<Damage> restore(String id, Path target, boolean partial) throws IOException {
        Path genFile = layout.generation(id);
        RestoreTarget.check(target);
        // Damage found without reading data (chunks in no pack, packs missing or truncated), in tree order; it
        // is found file by file while the files before are already being written, instead of in a pass of its
        // own before, which kept the threads idle while the tree was read twice.
        List<Damage> structural = new ArrayList<>();
        Supplier<TreeReader> trees = open(genFile, id);
        RestoreTarget out = RestoreTarget.create(target);
        boolean success = false;
        try (DirectorySpill dirs = out.directories(); PackChannels packs = new PackChannels(layout, index);
             TreeReader tree = trees.get();
             FileWriters files = new FileWriters(index, id, packs, threads)) {
            boolean refused = false;
            long written = 0;
            for (TreeEntry e = next(tree, id); e != null; e = next(tree, id)) {
                context.cancellation().throwIfCancelled("restoring generation " + id);
                if (refused) {
                    // The restore is refused: nothing more is written, the rest is only checked, so that the
                    // refusal lists all the damage.
                    if (e.type() == TreeEntry.Type.FILE) {
                        structural.addAll(files.structural(e));
                    }
                    continue;
                }
                Path p = out.resolve(e.path());
                switch (e.type()) {
                    case DIRECTORY -> {
                        Files.createDirectory(p);
                        dirs.add(e);
                    }
                    case SYMLINK -> {
                        Files.createSymbolicLink(p, Paths.get(e.linkTarget()));
                        RestoreTarget.setTime(p, e);
                    }
                    case FILE -> {
                        List<Damage> bad = files.write(e, p);
                        if (!bad.isEmpty()) {
                            structural.addAll(bad);
                            refused = !partial;
                        }
                        // Progress as each file is handed to the writers: what the operator sees, and where a
                        // cancellation is looked at again (the test kit stops a restore there).
                        written += e.size();
                        context.progress().progress("restore", written, -1, "bytes");
                    }
                    default -> throw new IllegalStateException();
                }
            }
            List<Damage> damages = files.finish(layout.root());
            if (!structural.isEmpty() && !partial) {
                throw corrupt(id, structural);
            }
            if (!damages.isEmpty() && !partial) {
                throw corrupt(id, damages);
            }
            out.publish(dirs);
            success = true;
            List<Damage> all = new ArrayList<>(structural);
            all.addAll(damages);
            return List.copyOf(all);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "restore of generation " + id + " was interrupted");
        } finally {
            if (!success) {
                out.discard();
            }
        }
    }

    private static Supplier<TreeReader> open(Path genFile, String id) throws IOException {
        if (!Files.exists(genFile)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "no generation " + id + " in the archive "
                    + genFile.getParent().getParent() + "; list them with 'resilient archive list'");
        }
        try {
            return GenerationFile.readTree(genFile);
        } catch (PackDamagedException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "generation " + id + " cannot be restored: "
                    + e.getMessage() + " (" + genFile + "); restore another generation", e);
        }
    }

    private static TreeEntry next(TreeReader r, String id) throws IOException {
        try {
            return r.next();
        } catch (PackDamagedException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "generation " + id + ": " + e.getMessage(), e);
        }
    }

    private static ResilienceException corrupt(String id, List<Damage> damages) {
        StringBuilder s = new StringBuilder("generation " + id + " is damaged; nothing was restored. Damage: ");
        int n = 0;
        for (Damage d : damages) {
            if (n++ == 5) {
                s.append("; and ").append(damages.size() - 5).append(" more");
                break;
            }
            s.append(n > 1 ? "; " : "").append(d);
        }
        s.append(". Run 'resilient archive verify --read-data', restore another generation, or restore the intact "
                + "files with --partial");
        LOG.error(s.toString());
        return new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, s.toString());
    }
}
