package org.resilient.core.archive.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.Manifest;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;
import org.resilient.api.ManifestCodec;
import org.resilient.support.fs.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code generations/} directory of a copy archive: one directory per generation, named by its id, holding
 * {@code backup/} (the backup directory) and {@code GENERATION} (what it is, written last: without it the store
 * is unfinished). Ids are the UTC time of the backup ({@code 20261125T163200.123Z}, moved on by a millisecond when
 * taken), so they sort like the backups.
 */
final class Generations {
    private static final Logger LOG = LoggerFactory.getLogger(Generations.class);
    static final String DIRECTORY = "generations";
    static final String GENERATION_FILE = "GENERATION";
    static final String BACKUP = "backup";
    private static final Pattern GENERATION_ID = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    private final Path dir;

    /**
     * The generations of an archive.
     *
     * @param root the archive's directory
     */
    Generations(Path root) {
        this.root = root;
        this.dir = root.resolve(DIRECTORY);
    }

    /** Creates the directory if it is missing. */
    void create() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw AtomicFiles.ioError("create", dir, e);
        }
    }

    /** The directory of a generation (finished or not). */
    Path dir(String id) {
        return dir.resolve(id);
    }

    /** Names of generation directories (finished or not), sorted. */
    List<String> dirs() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> GENERATION_ID.matcher(n).matches()).sorted()
                    .toList();
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", dir, e);
        }
    }

    /**
     * The id of a new generation: the backup's time, so that ids sort like the backups, moved on by a
     * millisecond while taken (two backups of the same millisecond, or the same backup stored twice).
     */
    String newId(Instant backupTime) {
        Instant t = backupTime;
        while (Files.exists(dir.resolve(STAMP.format(t)), LinkOption.NOFOLLOW_LINKS)) {
            t = t.plusMillis(1);
        }
        return STAMP.format(t);
    }

    /** Removes generation directories without a GENERATION file: stores that never finished. Needs the lock. */
    void removeUnfinished() {
        for (String n : dirs()) {
            Path d = dir.resolve(n);
            if (!Files.exists(d.resolve(GENERATION_FILE))) {
                LOG.warn("removing {}: an unfinished store (no {} file)", d, GENERATION_FILE);
                AtomicFiles.deleteTree(d);
            }
        }
    }

    /** The finished generations, oldest backup first. */
    List<Generation> list() {
        List<Generation> out = new ArrayList<>();
        for (String n : dirs()) {
            Path meta = dir.resolve(n).resolve(GENERATION_FILE);
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
        out.sort(Comparator.comparing(Generation::time).thenComparing(Generation::id));
        return out;
    }

    /**
     * A finished generation.
     *
     * @throws ResilienceException {@code NOT_FOUND} if there is none of that id
     */
    Generation get(String generationId) {
        if (generationId == null || !GENERATION_ID.matcher(generationId).matches()) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "no generation '" + generationId + "' in archive "
                    + root + "; generation ids look like 20261125T163200.123Z (list them first)");
        }
        return list().stream().filter(g -> g.id().equals(generationId)).findFirst()
                .orElseThrow(() -> new ResilienceException(ErrorCode.NOT_FOUND, "no generation '" + generationId
                        + "' in archive " + root + " (list the generations to see which exist)"));
    }

    /** A generation's MANIFEST, or empty (with a warning) if it cannot be read. */
    Optional<Manifest> manifest(String generationId) {
        try {
            return Optional.of(ManifestCodec.read(Files.readAllBytes(
                    dir.resolve(generationId).resolve(BACKUP).resolve(NodeLayout.MANIFEST))));
        } catch (IOException | ResilienceException e) {
            LOG.warn("cannot read the MANIFEST of generation {}: {}; run a verify", generationId, e.getMessage());
            return Optional.empty();
        }
    }
}
