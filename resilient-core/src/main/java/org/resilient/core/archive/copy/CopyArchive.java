package org.resilient.core.archive.copy;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ManifestEntry;
import org.resilient.api.NodeLayout;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import org.resilient.core.fs.TreeCopy;
import org.resilient.api.ManifestCodec;
import org.resilient.api.NodeLayout;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.hash.Sha256;
import org.resilient.support.lock.LockFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An archive of full copies:
 * <pre>
 * &lt;dir&gt;/ARCHIVE                              format and version ({@link ArchiveDirectory})
 * &lt;dir&gt;/lock                                 held by a store or prune (host, pid, start time)
 * &lt;dir&gt;/generations/&lt;gen-id&gt;/backup/          the backup directory (MANIFEST, SIGNATURE, data/)
 * &lt;dir&gt;/generations/&lt;gen-id&gt;/GENERATION      what it is; written last, so without it the store is unfinished
 * </pre>
 * Generation ids are the UTC time of the backup ({@code 20261125T163200.123Z}, moved on by a millisecond when
 * taken), so they sort like the backups ({@link Generations}). Stores ({@link GenerationStore}) and prunes take
 * the lock; listing, restoring and verifying ({@link GenerationChecker}) only read.
 */
final class CopyArchive implements Archive {
    private static final Logger LOG = LoggerFactory.getLogger(CopyArchive.class);

    private final Path root;
    private final Generations generations;
    private volatile boolean closed;

    private CopyArchive(Path root) {
        this.root = root;
        this.generations = new Generations(root);
    }

    /**
     * Opens (or creates) the archive in a directory.
     *
     * @param root the directory
     * @param create whether to create it when missing or empty
     * @return the archive
     */
    static CopyArchive open(Path root, boolean create) {
        Path dir = root.toAbsolutePath().normalize();
        ArchiveDirectory.openOrCreate(dir, create);
        CopyArchive a = new CopyArchive(dir);
        a.generations.create();
        return a;
    }

    @Override
    @SuppressWarnings("try") // the resource is held for its effect
    public Generation store(StoreRequest request, OperationContext context) {
        checkOpen();
        GenerationStore.checkSource(request.directory());
        try (LockFile lock = lock("store " + request.backupId(), context.clock())) {
            generations.removeUnfinished();
            return GenerationStore.store(generations, request, context);
        }
    }

    @Override
    public List<Generation> generations() {
        checkOpen();
        return generations.list();
    }

    @Override
    public List<Damage> restore(String generationId, Path target, RestoreOptions options, OperationContext context) {
        checkOpen();
        Generation g = generations.get(generationId);
        Path dst = target.toAbsolutePath().normalize();
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)
                && (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS) || !ArchiveDirectory.isEmpty(dst))) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot restore generation " + generationId + " into "
                    + dst + ": it exists and is not an empty directory; choose a new directory");
        }
        Path tmp = dst.resolveSibling("." + dst.getFileName() + ".restore-" + UUID.randomUUID());
        try {
            Path stored = generations.dir(g.id()).resolve(Generations.BACKUP);
            if (Files.isDirectory(stored, LinkOption.NOFOLLOW_LINKS)) {
                TreeCopy.from(stored).fsync(true).progress("restore", context.progress())
                        .cancellation(context.cancellation()).copyTo(tmp);
            }
            // Check the copy itself: that is what the caller gets.
            List<Damage> damages = new GenerationChecker(g.id(), tmp, g.manifestDigest())
                    .check(true, context.progress(), context.cancellation()).damages();
            if (!damages.isEmpty() && !options.partial()) {
                throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "generation " + g.id() + " of archive "
                        + root + " is damaged; nothing was restored. Restore another generation, or ask for a "
                        + "partial restore to get the intact files:\n  " + describe(damages));
            }
            for (Damage d : damages) {
                if (d.path() != null && d.path().startsWith(NodeLayout.DATA + "/")) {
                    // A partial restore leaves damaged files out rather than handing back wrong bytes.
                    Path bad = tmp.resolve(d.path());
                    if (Files.isRegularFile(bad, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(bad);
                    }
                }
            }
            if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(dst); // an empty directory, checked above
            }
            if (!Files.exists(tmp)) {
                Files.createDirectories(tmp);
            }
            AtomicFiles.move(tmp, dst);
            LOG.info("restored generation {} (backup {}) into {}{}", g.id(), g.backupId(), dst,
                    damages.isEmpty() ? "" : " partially: " + damages.size() + " damaged entries left out");
            return damages;
        } catch (IOException e) {
            throw AtomicFiles.ioError("restore generation " + generationId + " into", dst, e);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    private static String describe(List<Damage> damages) {
        List<String> lines = damages.stream().limit(20).map(Damage::toString).toList();
        return String.join("\n  ", lines) + (damages.size() > 20 ? "\n  ... and " + (damages.size() - 20) + " more" : "");
    }

    @Override
    @SuppressWarnings("try") // the resource is held for its effect
    public PruneResult prune(RetentionPolicy policy, OperationContext context) {
        checkOpen();
        try (LockFile lock = lock("prune", context.clock())) {
            generations.removeUnfinished();
            List<Generation> all = generations.list();
            Set<String> keep = policy.keep(all, context.clock().instant());
            List<String> removed = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            long reclaimed = 0;
            for (Generation g : all) {
                if (keep.contains(g.id())) {
                    kept.add(g.id());
                    continue;
                }
                context.cancellation().throwIfCancelled("prune of archive " + root);
                Path dir = generations.dir(g.id());
                long size = diskUsage(dir);
                try {
                    // Unpublish first: once GENERATION is gone, a crash leaves an unfinished store, not a damaged
                    // generation.
                    Files.delete(dir.resolve(Generations.GENERATION_FILE));
                    AtomicFiles.fsyncDirectory(dir);
                } catch (IOException e) {
                    throw AtomicFiles.ioError("remove generation", dir, e);
                }
                AtomicFiles.deleteTree(dir);
                removed.add(g.id());
                reclaimed += size;
                LOG.info("pruned generation {} (backup {})", g.id(), g.backupId());
            }
            return new PruneResult(removed, kept, reclaimed);
        }
    }

    @Override
    public VerifyReport verify(VerifyLevel level, OperationContext context) {
        checkOpen();
        List<Damage> damages = new ArrayList<>();
        int checked = 0;
        long read = 0;
        for (String n : generations.dirs()) {
            context.cancellation().throwIfCancelled("verify of archive " + root);
            Path dir = generations.dir(n);
            Path meta = dir.resolve(Generations.GENERATION_FILE);
            if (!Files.exists(meta, LinkOption.NOFOLLOW_LINKS)) {
                LOG.info("skipping {}: an unfinished store, removed by the next store or prune", dir);
                continue;
            }
            checked++;
            Generation g;
            try {
                g = GenerationCodec.read(Files.readAllBytes(meta), meta.toString());
                if (!g.id().equals(n)) {
                    throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "it names generation " + g.id());
                }
            } catch (IOException | ResilienceException e) {
                damages.add(new Damage(n, null, -1, root.relativize(meta).toString(),
                        "generation metadata is unreadable: " + e.getMessage()));
                continue;
            }
            GenerationChecker.Result r = new GenerationChecker(n, dir.resolve(Generations.BACKUP), g.manifestDigest())
                    .check(level == VerifyLevel.READ_DATA, context.progress(), context.cancellation());
            damages.addAll(r.damages());
            read += level == VerifyLevel.READ_DATA ? r.bytesRead() : 0;
        }
        if (!damages.isEmpty()) {
            LOG.warn("verify of archive {} found {} damaged entries", root, damages.size());
        }
        return new VerifyReport(level, checked, read, damages);
    }

    @Override
    public ArchiveStats stats() {
        checkOpen();
        List<Generation> all = generations.list();
        Map<String, Long> unique = new HashMap<>();
        long logical = 0;
        long stored = 0;
        long files = 0;
        for (Generation g : all) {
            logical += g.logicalBytes();
            stored += g.storedBytes();
            files += g.fileCount();
            generations.manifest(g.id()).ifPresent(m -> m.entries().stream().filter(e -> e.type() == ManifestEntry.Type.FILE)
                    .forEach(e -> unique.put(e.sha256(), e.size())));
        }
        long uniqueBytes = unique.values().stream().mapToLong(Long::longValue).sum();
        return new ArchiveStats(all.size(), logical, uniqueBytes, stored, files);
    }

    private LockFile lock(String operation, Clock clock) {
        return LockFile.acquire(root.resolve("lock"), "archive " + root, operation, clock, LOG::warn);
    }

    private static long diskUsage(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    total[0] += a.size();
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot measure {}: {}", dir, e.toString());
        }
        return total[0];
    }

    private void checkOpen() {
        if (closed) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "archive " + root + " is closed");
        }
    }

    @Override
    public void close() {
        // Locks are held only during a store or prune, so closing has nothing to release.
        closed = true;
    }

    @Override
    public String toString() {
        return "CopyArchive[" + root + "]";
    }
}
