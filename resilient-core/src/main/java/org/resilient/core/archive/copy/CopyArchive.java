package org.resilient.core.archive.copy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestEntry;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import org.resilient.support.lock.LockFile;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.core.fs.TreeCopy;
import org.resilient.core.manifest.ManifestCodec;
import org.resilient.support.hash.Sha256;
import org.resilient.api.NodeLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An archive of full copies:
 * <pre>
 * &lt;dir&gt;/ARCHIVE                              format and version
 * &lt;dir&gt;/lock                                 held by a store or prune (host, pid, start time)
 * &lt;dir&gt;/generations/&lt;gen-id&gt;/backup/          the backup directory (MANIFEST, SIGNATURE, data/)
 * &lt;dir&gt;/generations/&lt;gen-id&gt;/GENERATION      what it is; written last, so without it the store is unfinished
 * </pre>
 * Generation ids are the UTC time of the backup ({@code 20261125T163200.123Z}, moved on by a millisecond when
 * taken), so they sort like the backups. Stores and prunes take the lock; listing, restoring and verifying only
 * read.
 */
final class CopyArchive implements Archive {
    private static final Logger LOG = LoggerFactory.getLogger(CopyArchive.class);
    private static final String FORMAT = "resilient-copy-archive";
    private static final int VERSION = 1;
    private static final String ARCHIVE_FILE = "ARCHIVE";
    private static final String GENERATION_FILE = "GENERATION";
    private static final String BACKUP = "backup";
    private static final Pattern GENERATION_ID = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    private final Path generations;
    private volatile boolean closed;

    private CopyArchive(Path root) {
        this.root = root;
        this.generations = root.resolve("generations");
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
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "archive location " + dir
                    + " is a file, not a directory; point the archive at a directory");
        }
        Path marker = dir.resolve(ARCHIVE_FILE);
        if (Files.isRegularFile(marker)) {
            checkMarker(marker);
        } else if (!Files.isDirectory(dir) || isEmpty(dir)) {
            if (!create) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "no copy archive at " + dir
                        + "; check the location, or create it (a pull-backup node creates it on first store)");
            }
            try {
                Files.createDirectories(dir.resolve("generations"));
                AtomicFiles.write(marker, ("format=" + FORMAT + "\nversion=" + VERSION + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw AtomicFiles.ioError("create the archive", dir, e);
            }
            LOG.info("created copy archive {}", dir);
        } else {
            throw new ResilienceException(ErrorCode.IO_ERROR, dir + " is not a copy archive (no " + ARCHIVE_FILE
                    + " file) and is not empty; refusing to use it. Point the archive at an empty or new directory");
        }
        CopyArchive a = new CopyArchive(dir);
        try {
            Files.createDirectories(a.generations);
        } catch (IOException e) {
            throw AtomicFiles.ioError("create", a.generations, e);
        }
        return a;
    }

    private static void checkMarker(Path marker) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(marker)));
        } catch (IOException | IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, marker + " is unreadable: " + e.getMessage());
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new ResilienceException(ErrorCode.IO_ERROR, marker.getParent() + " is not a copy archive (format '"
                    + p.getProperty("format") + "'); open it with the provider of that format");
        }
        int v;
        try {
            v = Integer.parseInt(p.getProperty("version", "").trim());
        } catch (NumberFormatException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, marker + " has no valid version");
        }
        if (v > VERSION) {
            throw new ResilienceException(ErrorCode.ARCHIVE_VERSION, "archive " + marker.getParent()
                    + " has format version " + v + " but this build reads up to " + VERSION
                    + "; use a newer resilient");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", dir, e);
        }
    }

    @Override
    @SuppressWarnings("try") // the resource is held for its effect
    public Generation store(StoreRequest request, OperationContext context) {
        checkOpen();
        Path source = request.directory();
        for (String n : List.of(NodeLayout.MANIFEST, NodeLayout.SIGNATURE, NodeLayout.DATA)) {
            if (!Files.exists(source.resolve(n), LinkOption.NOFOLLOW_LINKS)) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot store " + source + ": it is not a backup "
                        + "directory (" + n + " is missing)");
            }
        }
        try (LockFile lock = lock("store " + request.backupId(), context.clock())) {
            removeUnfinished();
            List<Generation> existing = generations();
            String id = newId(request.time());
            Path dir = generations.resolve(id);
            try {
                Files.createDirectories(dir);
                Path backup = dir.resolve(BACKUP);
                TreeCopy.Result copied = TreeCopy.from(source).fsync(true).progress("store", context.progress())
                        .cancellation(context.cancellation()).copyTo(backup);
                byte[] manifestBytes = Files.readAllBytes(backup.resolve(NodeLayout.MANIFEST));
                String digest = Sha256.of(manifestBytes);
                if (!digest.equals(request.manifestDigest())) {
                    throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "cannot store " + source
                            + ": its MANIFEST's SHA-256 is " + digest + " but the request says "
                            + request.manifestDigest() + "; the backup changed after it was verified. Pull it again");
                }
                Manifest manifest = ManifestCodec.read(manifestBytes);
                long stored = copied.totalBytes() + manifestBytes.length
                        + Files.size(backup.resolve(NodeLayout.SIGNATURE));
                Generation g = new Generation(id, request.backupId(), request.time(), request.sourceNode(),
                        request.epoch(), digest, manifest.fileCount(), manifest.totalSize(),
                        newBytes(manifest, existing), stored);
                context.cancellation().throwIfCancelled("store of " + request.backupId());
                // Written last: from this rename on, the generation exists.
                AtomicFiles.write(dir.resolve(GENERATION_FILE), GenerationCodec.write(g));
                LOG.info("stored backup {} as generation {} ({} files, {} bytes)", request.backupId(), id,
                        g.fileCount(), g.logicalBytes());
                return g;
            } catch (IOException | RuntimeException e) {
                try {
                    AtomicFiles.deleteTree(dir);
                } catch (ResilienceException cleanup) {
                    e.addSuppressed(cleanup);
                }
                if (e instanceof IOException io) {
                    throw AtomicFiles.ioError("store " + source + " in", dir, io);
                }
                throw (RuntimeException) e;
            }
        }
    }

    /** Bytes of files whose content no stored generation holds yet. */
    private long newBytes(Manifest manifest, List<Generation> existing) {
        Set<String> known = new HashSet<>();
        for (Generation g : existing) {
            readManifest(g.id()).ifPresent(m -> m.entries().stream()
                    .filter(e -> e.type() == ManifestEntry.Type.FILE).forEach(e -> known.add(e.sha256())));
        }
        Set<String> counted = new HashSet<>();
        long n = 0;
        for (ManifestEntry e : manifest.entries()) {
            if (e.type() == ManifestEntry.Type.FILE && !known.contains(e.sha256()) && counted.add(e.sha256())) {
                n += e.size();
            }
        }
        return n;
    }

    private Optional<Manifest> readManifest(String generationId) {
        try {
            return Optional.of(ManifestCodec.read(Files.readAllBytes(
                    generations.resolve(generationId).resolve(BACKUP).resolve(NodeLayout.MANIFEST))));
        } catch (IOException | ResilienceException e) {
            LOG.warn("cannot read the MANIFEST of generation {}: {}; run a verify", generationId, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The id of a new generation: the backup's time, so that ids sort like the backups, moved on by a
     * millisecond while taken (two backups of the same millisecond, or the same backup stored twice).
     */
    private String newId(Instant backupTime) {
        Instant t = backupTime;
        while (Files.exists(generations.resolve(STAMP.format(t)), LinkOption.NOFOLLOW_LINKS)) {
            t = t.plusMillis(1);
        }
        return STAMP.format(t);
    }

    /** Names of generation directories (finished or not), sorted. */
    private List<String> generationDirs() {
        try (Stream<Path> s = Files.list(generations)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> GENERATION_ID.matcher(n).matches()).sorted()
                    .toList();
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", generations, e);
        }
    }

    /** Removes generation directories without a GENERATION file: stores that never finished. Needs the lock. */
    private void removeUnfinished() {
        for (String n : generationDirs()) {
            Path dir = generations.resolve(n);
            if (!Files.exists(dir.resolve(GENERATION_FILE))) {
                LOG.warn("removing {}: an unfinished store (no {} file)", dir, GENERATION_FILE);
                AtomicFiles.deleteTree(dir);
            }
        }
    }

    @Override
    public List<Generation> generations() {
        checkOpen();
        List<Generation> out = new ArrayList<>();
        for (String n : generationDirs()) {
            Path meta = generations.resolve(n).resolve(GENERATION_FILE);
            if (!Files.exists(meta)) {
                continue; // being stored, or an unfinished store: not a generation
            }
            try {
                Generation g = GenerationCodec.read(Files.readAllBytes(meta), meta.toString());
                if (!g.id().equals(n)) {
                    LOG.warn("{} names generation {}; skipped, run a verify", meta, g.id());
                    continue;
                }
                out.add(g);
            } catch (IOException | ResilienceException e) {
                LOG.warn("generation {} is unreadable and skipped: {}", n, e.getMessage());
            }
        }
        // Oldest backup first, also when a pull-backup node catching up stored an older backup later.
        out.sort(java.util.Comparator.comparing(Generation::time).thenComparing(Generation::id));
        return out;
    }

    private Generation generation(String generationId) {
        if (generationId == null || !GENERATION_ID.matcher(generationId).matches()) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "no generation '" + generationId + "' in archive "
                    + root + "; generation ids look like 20261125T163200.123Z (list them first)");
        }
        return generations().stream().filter(g -> g.id().equals(generationId)).findFirst()
                .orElseThrow(() -> new ResilienceException(ErrorCode.NOT_FOUND, "no generation '" + generationId
                        + "' in archive " + root + " (list the generations to see which exist)"));
    }

    @Override
    public List<Damage> restore(String generationId, Path target, RestoreOptions options, OperationContext context) {
        checkOpen();
        Generation g = generation(generationId);
        Path dst = target.toAbsolutePath().normalize();
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)
                && (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS) || !isEmpty(dst))) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot restore generation " + generationId + " into "
                    + dst + ": it exists and is not an empty directory; choose a new directory");
        }
        Path tmp = dst.resolveSibling("." + dst.getFileName() + ".restore-" + UUID.randomUUID());
        try {
            Path stored = generations.resolve(g.id()).resolve(BACKUP);
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
            removeUnfinished();
            List<Generation> all = generations();
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
                Path dir = generations.resolve(g.id());
                long size = diskUsage(dir);
                try {
                    // Unpublish first: once GENERATION is gone, a crash leaves an unfinished store, not a damaged
                    // generation.
                    Files.delete(dir.resolve(GENERATION_FILE));
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
        for (String n : generationDirs()) {
            context.cancellation().throwIfCancelled("verify of archive " + root);
            Path dir = generations.resolve(n);
            Path meta = dir.resolve(GENERATION_FILE);
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
            GenerationChecker.Result r = new GenerationChecker(n, dir.resolve(BACKUP), g.manifestDigest())
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
        List<Generation> all = generations();
        Map<String, Long> unique = new HashMap<>();
        long logical = 0;
        long stored = 0;
        long files = 0;
        for (Generation g : all) {
            logical += g.logicalBytes();
            stored += g.storedBytes();
            files += g.fileCount();
            readManifest(g.id()).ifPresent(m -> m.entries().stream().filter(e -> e.type() == ManifestEntry.Type.FILE)
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
