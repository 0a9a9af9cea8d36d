package org.resilient.archive;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import org.resilient.archive.chunking.FastCdc;
import org.resilient.support.hash.Sha256;
import org.resilient.archive.index.RepoIndex;
import org.resilient.support.lock.LockFile;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackVersionException;
import org.resilient.archive.prune.Pruner;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.fs.FileModes;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.repo.RepoConfig;
import org.resilient.archive.restore.Restorer;
import org.resilient.archive.store.DaemonThreads;
import org.resilient.archive.store.StoreRun;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.verify.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deduplicating archive in a directory: content-defined chunks addressed by SHA-256, zstd-compressed,
 * in pack files; one generation file per stored backup. Writers (store, prune) take the archive's lock for
 * the length of the operation; every operation reads the index afresh, so several processes can open the
 * same archive.
 *
 * <p>Readers (restore, verify, list, stats) take no lock, so any number run at once and beside a store, which
 * only adds files. A prune running at the same time removes generation files, index files and packs (in that
 * order, packs last). Then: list shows a generation being removed or not; a restore whose packs are
 * removed before it opens them fails with {@code LOCKED} and leaves nothing (a pack it has opened is still
 * read whole), and never writes wrong data, as every chunk is checked against its generation's record of it;
 * a verify that finds damage while files it started with were removed checks again what is left (up to three
 * times, then {@code LOCKED}), so a prune is never reported as damage.
 */
public final class DirArchive implements Archive {
    private static final Logger LOG = LoggerFactory.getLogger(DirArchive.class);
    private static final int VERIFY_ATTEMPTS = 3;
    // Runs between a verify's index load and its reads; tests put a prune there.
    Runnable afterVerifyLoad = () -> { };
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Layout layout;
    private final ArchiveSettings settings;
    private final RepoConfig config;
    // The last store's run, for its statistics (tests read what it took without reading).
    private volatile StoreRun lastStore;

    private DirArchive(Layout layout, ArchiveSettings settings, RepoConfig config) {
        this.layout = layout;
        this.settings = settings;
        this.config = config;
    }

    /**
     * Opens (or creates) the archive in a directory.
     *
     * @param root the directory
     * @param settings the archive settings
     * @param create whether to create it when absent
     * @return the archive
     * @throws ResilienceException {@code NOT_FOUND}, {@code IO_ERROR} (not a directory, or not an archive),
     *     {@code ARCHIVE_VERSION}
     */
    public static DirArchive open(Path root, ArchiveSettings settings, boolean create) {
        Layout layout = new Layout(root.toAbsolutePath().normalize());
        FileModes.groupReadable(settings.groupReadable());
        Path dir = layout.root();
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "the archive location " + dir
                        + " is a file, not a directory; give a directory path");
            }
            if (!Files.exists(layout.config())) {
                boolean empty = !Files.exists(dir) || isEmpty(dir);
                if (!create) {
                    throw new ResilienceException(ErrorCode.NOT_FOUND, "no archive at " + dir
                            + "; create it with 'resilient archive init --repo " + dir + "'");
                }
                if (!empty) {
                    throw new ResilienceException(ErrorCode.IO_ERROR, dir + " is not empty and is not an archive "
                            + "(no config file); give an empty or new directory");
                }
                FileModes.createDirectories(dir);
                createDirectories(layout);
                RepoConfig c = new RepoConfig(RepoConfig.FORMAT, settings.chunkMin(), settings.chunkAvg(),
                        settings.chunkMax(), 0x5EED_C0DE_2026L);
                AtomicFiles.write(layout.config(), c.toBytes());
                LOG.info("created archive {} (chunks {}..{}..{} bytes)", dir, c.chunkMin(), c.chunkAvg(), c.chunkMax());
                return new DirArchive(layout, settings, c);
            }
            RepoConfig c = RepoConfig.read(layout.config());
            return new DirArchive(layout, settings, c);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot open the archive at " + dir + ": " + e, e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    private static void createDirectories(Layout layout) throws IOException {
        // Private (0700, or 0750 with archive.group-readable): the packs hold every byte of every backup.
        FileModes.createDirectories(layout.packs());
        FileModes.createDirectories(layout.index());
        FileModes.createDirectories(layout.generations());
    }

    /**
     * The archive's directory.
     *
     * @return the path
     */
    public Path root() {
        return layout.root();
    }

    @Override
    public Generation store(StoreRequest request, OperationContext context) {
        Sha256.warmUpInBackground();
        try (LockFile lock = lock("store " + request.backupId())) {
            createDirectories(layout);
            removeTemporaries();
            long t0 = System.nanoTime();
            // The index loads on its own thread while this one lists the generations, walks the directory and
            // opens the parent's tree: in a short incremental store these start-up steps are a large share.
            CompletableFuture<RepoIndex> index = CompletableFuture.supplyAsync(() -> RepoIndex.load(layout),
                    runnable -> new DaemonThreads("archive-index-load").newThread(runnable).start());
            String id = newId(request);
            FastCdc cdc = new FastCdc(config.chunkMin(), config.chunkAvg(), config.chunkMax(), config.gearSeed());
            List<Generation> gens = generations();
            StoreRun run = new StoreRun(layout, index, settings, cdc, request, context, gens);
            Generation g = run.run(id);
            lastStore = run;
            LOG.info("stored {} as generation {}: {} files, {} bytes, {} new, {} stored, {} found by following "
                    + "generation {}, {} taken from it without reading (by verified digest, or {} unchanged files by "
                    + "size, times and inode), in {} ms",
                    request.directory(), id, g.fileCount(), g.logicalBytes(),
                    g.newBytes(), g.storedBytes(), run.guidedBytes(), run.parentId(), run.unreadBytes(),
                    run.unchangedFiles(), (System.nanoTime() - t0) / 1_000_000);
            return g;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "storing " + request.directory() + " in the archive "
                    + layout.root() + " failed: " + e + "; older generations are intact, retry the store", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "store of " + request.directory() + " was interrupted");
        }
    }

    /** The last store's run of this instance, or null: what it took from the parent without reading. */
    StoreRun lastStore() {
        return lastStore;
    }

    private String newId(StoreRequest request) {
        String base = STAMP.format(request.time()) + "-";
        while (true) {
            String id = base + String.format("%08x", ThreadLocalRandom.current().nextInt());
            if (!Files.exists(layout.generation(id))) {
                return id;
            }
        }
    }

    /**
     * Takes the single-writer lock of the archive for a store or prune. It records the real time, whatever clock
     * the operation runs by: it tells people when the holder started.
     */
    private LockFile lock(String operation) {
        return LockFile.acquire(layout.lock(), "the archive " + layout.root(), operation, Clock.systemUTC(), LOG::warn);
    }

    /**
     * Removes temporary files of interrupted writers (only called with the lock held). A lock taker's temporary
     * file is not among them ({@link LockFile} names it otherwise), so no other process's attempt is disturbed.
     */
    private void removeTemporaries() throws IOException {
        for (Path dir : List.of(layout.root(), layout.packs(), layout.index(), layout.generations())) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".tmp-*")) {
                for (Path p : ds) {
                    LOG.info("removing {} left by an interrupted write", p);
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public List<Generation> generations() {
        return scanGenerations(null);
    }

    private List<Generation> scanGenerations(List<Path> unreadable) {
        List<Generation> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.generations(), "*.gen")) {
            for (Path f : ds) {
                if (f.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try {
                    out.add(GenerationFile.readMetadata(f));
                } catch (java.nio.file.NoSuchFileException e) {
                    LOG.debug("generation file {} was removed while listing (by a prune)", f);
                } catch (PackVersionException e) {
                    throw new ResilienceException(ErrorCode.ARCHIVE_VERSION, e.getMessage()
                            + "; use a newer resilient to read the archive " + layout.root(), e);
                } catch (PackDamagedException e) {
                    LOG.warn("{}; it is not listed (verify reports it)", e.getMessage());
                    if (unreadable != null) {
                        unreadable.add(f);
                    }
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot list the generations of " + layout.root()
                    + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Generation::time).thenComparing(Generation::id));
        return out;
    }

    @Override
    public List<Damage> restore(String generationId, Path target, RestoreOptions options, OperationContext context) {
        if (generationId == null || !generationId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "no generation '" + generationId + "' in "
                    + layout.root());
        }
        if (!Files.exists(layout.generation(generationId), LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "no generation " + generationId + " in the archive "
                    + layout.root() + "; list them with 'resilient archive list'");
        }
        long t0 = System.nanoTime();
        RepoIndex index = RepoIndex.load(layout);
        long t1 = System.nanoTime();
        try {
            org.resilient.archive.index.DamagedChunks.recheck(layout, index); // a pack put back is whole again
            List<Damage> d = new Restorer(layout, index, settings.threads(), context).restore(generationId, target,
                    options.partial());
            LOG.info("restored generation {} into {} in {} ms (index loaded in {} ms){}", generationId, target,
                    (System.nanoTime() - t0) / 1_000_000, (t1 - t0) / 1_000_000,
                    d.isEmpty() ? "" : "; " + d.size() + " damaged ranges skipped");
            return d;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "restore of generation " + generationId + " into "
                    + target + " failed: " + e, e);
        }
    }

    @Override
    public PruneResult prune(RetentionPolicy policy, OperationContext context) {
        try (LockFile lock = lock("prune")) {
            createDirectories(layout);
            removeTemporaries();
            RepoIndex index = RepoIndex.load(layout);
            List<Path> unreadable = new ArrayList<>();
            List<Generation> gens = scanGenerations(unreadable);
            return new Pruner(layout, index, settings.packSize(), settings.repackThreshold(), context)
                    .prune(policy, gens, unreadable);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "prune of " + layout.root() + " failed: " + e
                    + "; the archive is still valid, retry the prune", e);
        }
    }

    @Override
    public VerifyReport verify(VerifyLevel level, OperationContext context) {
        try {
            for (int attempt = 1; ; attempt++) {
                // A verify takes no lock: a prune may remove generations, index files and packs while it reads,
                // which looks like damage. Damage found while files it started with were removed is checked again
                // on what is left; damage found in an archive nothing was removed from is real.
                Set<String> before = files();
                RepoIndex index = RepoIndex.load(layout);
                afterVerifyLoad.run();
                VerifyReport r;
                try {
                    r = new Verifier(layout, index, settings.threads(), context).verify(level);
                } catch (java.nio.file.NoSuchFileException e) {
                    if (!removedSince(before)) {
                        throw e;
                    }
                    r = null; // a file was removed under the reads
                }
                if (r != null && (r.ok() || !removedSince(before))) {
                    for (Damage d : r.damages()) {
                        LOG.error("verify: {}", d);
                    }
                    return r;
                }
                if (attempt == VERIFY_ATTEMPTS) {
                    throw new ResilienceException(ErrorCode.LOCKED, "the archive " + layout.root() + " changed "
                            + VERIFY_ATTEMPTS + " times while it was verified (prunes removed generations or packs);"
                            + " run verify again when no prune runs");
                }
                LOG.info("files were removed from the archive {} while it was verified (a prune ran): verifying "
                        + "again what is left", layout.root());
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "verify of " + layout.root() + " failed: " + e, e);
        }
    }

    @Override
    public VerifyReport repair(StoreRequest source, OperationContext context) {
        try (LockFile lock = lock("repair from " + source.directory())) {
            createDirectories(layout);
            removeTemporaries();
            FastCdc cdc = new FastCdc(config.chunkMin(), config.chunkAvg(), config.chunkMax(), config.gearSeed());
            VerifyReport r = new ArchiveRepair(layout, settings, cdc).repair(source, context, newId(source),
                    generations());
            r.damages().forEach(d -> LOG.error("after repair: {}", d));
            return r;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "repair of " + layout.root() + " from "
                    + source.directory() + " failed: " + e + "; the archive is no worse than before, retry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "repair of " + layout.root() + " was interrupted");
        }
    }

    private boolean removedSince(Set<String> before) {
        return !before.stream().allMatch(f -> Files.exists(layout.root().resolve(f)));
    }

    /** The generation, index and pack files now, relative to the archive's root. */
    private Set<String> files() throws IOException {
        Set<String> out = new HashSet<>();
        for (Path dir : List.of(layout.generations(), layout.index(), layout.packs())) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    if (!p.getFileName().toString().startsWith(".")) {
                        out.add(layout.root().relativize(p).toString());
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // reported by the verify itself
            }
        }
        return out;
    }

    @Override
    public ArchiveStats stats() {
        RepoIndex index = RepoIndex.load(layout);
        List<Generation> gens = generations();
        long logical = gens.stream().mapToLong(Generation::logicalBytes).sum();
        long stored;
        try (var walk = Files.walk(layout.root())) {
            stored = walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot measure " + layout.root() + ": " + e, e);
        }
        return new ArchiveStats(gens.size(), logical, index.uniqueBytes(), stored, index.chunks().size());
    }

    @Override
    public void close() {
        // Nothing is held between operations: the lock is taken and released by each writer.
    }
}
