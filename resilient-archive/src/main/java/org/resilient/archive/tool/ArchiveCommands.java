package org.resilient.archive.tool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.resilient.api.ArchiveStats;
import org.resilient.api.BackupId;
import org.resilient.api.Damage;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.StoreRequest;
import org.resilient.archive.ArchiveSettings;
import org.resilient.archive.DirArchive;
import org.resilient.support.hash.Sha256;

/**
 * The archive operations as the command line offers them (shared by {@link ArchiveTool} and the
 * {@code resilient archive} subcommands): open, make a store request from a directory, and format lists.
 */
public final class ArchiveCommands {

    private ArchiveCommands() {
    }

    /**
     * Settings from the environment ({@code RESILIENT_ARCHIVE_*}) overridden by explicit values.
     *
     * @param explicit key=value pairs given on the command line
     * @return the settings
     */
    public static Settings settings(Map<String, String> explicit) {
        Map<String, String> m = new HashMap<>();
        for (var spec : ArchiveSettings.SPECS) {
            String env = System.getenv(spec.environmentVariable());
            if (env != null) {
                m.put(spec.key(), env);
            }
        }
        m.putAll(explicit);
        return Settings.of(m);
    }

    /**
     * Opens an archive directory.
     *
     * @param repo the directory
     * @param settings the settings
     * @param create whether to create it
     * @return the archive
     */
    public static DirArchive open(Path repo, Settings settings, boolean create) {
        return DirArchive.open(repo, ArchiveSettings.from(settings), create);
    }

    /**
     * A plain context for command-line operations.
     *
     * @param dir the working directory
     * @return the context
     */
    public static OperationContext context(Path dir) {
        return OperationContext.builder(dir.toAbsolutePath()).build();
    }

    /**
     * Makes a store request for a backup directory: the MANIFEST's digest when there is one, the directory
     * name as backup id when it is a valid id.
     *
     * @param dir the directory
     * @param backupId the id to use, or null
     * @param sourceNode the source node, or null
     * @param epoch the epoch
     * @return the request
     */
    public static StoreRequest request(Path dir, String backupId, String sourceNode, long epoch) {
        if (!Files.isDirectory(dir)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot store " + dir + ": not a directory");
        }
        Instant now = Instant.now();
        String node = sourceNode != null ? sourceNode : "local";
        BackupId id;
        if (backupId != null) {
            id = new BackupId(backupId);
        } else {
            String name = dir.toAbsolutePath().normalize().getFileName() == null ? ""
                    : dir.toAbsolutePath().normalize().getFileName().toString();
            id = name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") && !name.contains("..")
                    ? new BackupId(name) : BackupId.of(now, node);
        }
        return new StoreRequest(dir.toAbsolutePath(), id, now, node, new Epoch(epoch), manifestDigest(dir));
    }

    private static String manifestDigest(Path dir) {
        Path manifest = dir.resolve("MANIFEST");
        var md = Sha256.newDigest();
        if (Files.isRegularFile(manifest)) {
            try (InputStream in = Files.newInputStream(manifest)) {
                byte[] b = new byte[1 << 16];
                for (int n; (n = in.read(b)) > 0; ) {
                    md.update(b, 0, n);
                }
            } catch (IOException e) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read " + manifest + ": " + e.getMessage(), e);
            }
        }
        return Sha256.hex(md.digest());
    }

    /**
     * The generations as a table.
     *
     * @param gens the generations
     * @return the text
     */
    public static String table(List<Generation> gens) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-34s %-24s %7s %14s %14s %14s %7s%n",
                "ID", "TIME", "FILES", "LOGICAL", "NEW", "STORED", "DEDUP"));
        for (Generation g : gens) {
            double dedup = g.logicalBytes() == 0 ? 0 : 100.0 * (g.logicalBytes() - g.newBytes()) / g.logicalBytes();
            s.append(String.format(Locale.ROOT, "%-34s %-24s %7d %14d %14d %14d %6.1f%%%n", g.id(), g.time(),
                    g.fileCount(), g.logicalBytes(), g.newBytes(), g.storedBytes(), dedup));
        }
        return s.toString();
    }

    /**
     * The generations as a JSON array of objects.
     *
     * @param gens the generations
     * @return the JSON text
     */
    public static String json(List<Generation> gens) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < gens.size(); i++) {
            Generation g = gens.get(i);
            s.append(i == 0 ? "\n" : ",\n").append("  {\"id\": ").append(q(g.id()))
                    .append(", \"backupId\": ").append(q(g.backupId().value()))
                    .append(", \"time\": ").append(q(g.time().toString()))
                    .append(", \"sourceNode\": ").append(q(g.sourceNode()))
                    .append(", \"epoch\": ").append(g.epoch().value())
                    .append(", \"manifestDigest\": ").append(g.manifestDigest() == null ? "null" : q(g.manifestDigest()))
                    .append(", \"fileCount\": ").append(g.fileCount())
                    .append(", \"logicalBytes\": ").append(g.logicalBytes())
                    .append(", \"newBytes\": ").append(g.newBytes())
                    .append(", \"storedBytes\": ").append(g.storedBytes()).append('}');
        }
        return s.append(gens.isEmpty() ? "]" : "\n]").toString();
    }

    /**
     * The stats as text.
     *
     * @param st the stats
     * @return the text
     */
    public static String stats(ArchiveStats st) {
        return String.format(Locale.ROOT, "generations: %d%nlogical bytes: %d%nunique bytes: %d%nstored bytes: %d%n"
                + "chunks: %d%nreduction: %.2fx%n", st.generations(), st.logicalBytes(), st.uniqueBytes(),
                st.storedBytes(), st.chunks(), st.reduction());
    }

    /**
     * Damage as lines.
     *
     * @param damages the damage
     * @return one line each
     */
    public static String damages(List<Damage> damages) {
        StringBuilder s = new StringBuilder();
        for (Damage d : damages) {
            s.append("DAMAGE ").append(d).append('\n');
        }
        return s.toString();
    }

    private static String q(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
