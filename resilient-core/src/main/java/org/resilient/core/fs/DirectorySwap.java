package org.resilient.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.resilient.support.fs.AtomicFiles;

/**
 * Replaces a directory by a new one so that, whatever happens, the old or the new one is whole at the
 * target's name. The new tree is prepared in a sibling (same file system) {@code .<name>.new-<id>}; the swap
 * renames the current directory to {@code .<name>.old-<id>}, renames the new one into place, then deletes the
 * old one. {@link #recover()} repairs an interrupted swap: if the target is missing but an old copy exists,
 * the old copy is put back; leftovers of finished or failed swaps are removed.
 *
 * <p>Between the two renames the target name is briefly absent (POSIX has no portable directory exchange);
 * a crash there is what {@link #recover()} repairs.
 */
public final class DirectorySwap {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorySwap.class);

    private final Path target;
    private final Path parent;
    private final String name;

    /**
     * A swap for one target directory.
     *
     * @param target the directory to replace (need not exist yet)
     */
    public DirectorySwap(Path target) {
        this.target = target.toAbsolutePath().normalize();
        this.parent = this.target.getParent();
        this.name = this.target.getFileName().toString();
    }

    /**
     * The directory replaced.
     *
     * @return the target
     */
    public Path target() {
        return target;
    }

    /**
     * Where to prepare the new tree for a swap.
     *
     * @param id a file-name-safe id of the swap (e.g. the backup id)
     * @return a sibling of the target
     */
    public Path staging(String id) {
        return parent.resolve("." + name + ".new-" + id);
    }

    private Path old(String id) {
        return parent.resolve("." + name + ".old-" + id);
    }

    /**
     * Repairs what an interrupted swap left: puts an old copy back when the target is missing, and removes
     * staging directories and old copies that are no longer needed.
     *
     * @return true if an old copy was put back
     * @throws ResilienceException {@code IO_ERROR} or {@code NOT_WRITABLE} if the repair fails
     */
    public boolean recover() {
        if (!Files.isDirectory(parent)) {
            return false;
        }
        List<Path> olds = new ArrayList<>();
        List<Path> news = new ArrayList<>();
        try (Stream<Path> s = Files.list(parent)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.startsWith("." + name + ".old-")) {
                    olds.add(p);
                } else if (n.startsWith("." + name + ".new-")) {
                    news.add(p);
                }
            });
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", parent, e);
        }
        boolean restored = false;
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !olds.isEmpty()) {
            // Names end with the swap id, and ids sort by time: the greatest is the copy moved away last.
            olds.sort(null);
            Path back = olds.remove(olds.size() - 1);
            try {
                AtomicFiles.move(back, target);
            } catch (IOException e) {
                throw AtomicFiles.ioError("put back the previous copy " + back + " as", target, e);
            }
            LOG.warn("an interrupted swap left {} missing; put the previous copy {} back", target, back.getFileName());
            restored = true;
        }
        for (Path p : olds) {
            LOG.info("removing {} left by an earlier swap", p);
            AtomicFiles.deleteTree(p);
        }
        for (Path p : news) {
            LOG.info("removing unfinished {} left by an earlier failed or interrupted swap", p);
            AtomicFiles.deleteTree(p);
        }
        return restored;
    }

    /**
     * Puts the prepared tree in place of the target. The prepared tree must be complete and flushed to disk.
     *
     * @param id the id given to {@link #staging(String)}
     * @throws ResilienceException {@code IO_ERROR} or {@code NOT_WRITABLE}; the target then still holds the
     *     previous copy
     */
    public void swap(String id) {
        Path staged = staging(id);
        Path old = old(id);
        boolean hadOld = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        try {
            if (hadOld) {
                AtomicFiles.deleteTree(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw AtomicFiles.ioError("move the previous copy aside from", target, e);
        }
        try {
            AtomicFiles.move(staged, target);
        } catch (IOException e) {
            if (hadOld) {
                try {
                    AtomicFiles.move(old, target);
                } catch (IOException again) {
                    e.addSuppressed(again);
                    LOG.error("could not put {} back as {}; the next start will: {}", old, target, again.toString());
                }
            }
            throw AtomicFiles.ioError("move the new copy into place at", target, e);
        }
        if (hadOld) {
            try {
                AtomicFiles.deleteTree(old);
            } catch (ResilienceException e) {
                // The swap itself succeeded; the leftover is removed by the next recover().
                LOG.warn("swapped {} but could not remove the previous copy {}: {}", target, old, e.getMessage());
            }
        }
    }
}
