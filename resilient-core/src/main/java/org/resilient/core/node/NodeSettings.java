package org.resilient.core.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.time.ZoneId;
import java.util.function.DoubleSupplier;
import org.resilient.core.schedule.Backoff;
import org.resilient.core.schedule.ExportPlanner;
import org.resilient.core.schedule.Schedule;
import org.resilient.api.RetentionPolicy;
import org.resilient.core.Role;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Type;
import org.resilient.api.Settings;

/**
 * The settings of a node itself (prefixes {@code node}, {@code export}, {@code pbs}, {@code import}), typed.
 *
 * @param settings the raw settings
 */
public record NodeSettings(Settings settings) {
    /** Every key a node reads. */
    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.required("node.name", Type.STRING, "this node's name, e.g. db0"),
            SettingSpec.required("node.role", Type.STRING, "export, pull-backup or import"),
            SettingSpec.required("node.dir", Type.PATH, "the node directory (backup/, incoming/, inbox/, archive/, state/)"),
            SettingSpec.optional("node.component", Type.STRING, "files", "the component to back up"),
            SettingSpec.optional("node.uri", Type.URI, null, "this node's URI for other nodes (default file:<node.dir>)"),
            SettingSpec.optional("node.poll-interval", Type.DURATION, "1s", "how often a running node reads its inbox"),
            SettingSpec.optional("node.retry-delay", Type.DURATION, "1m", "how long a running node waits before it tries a "
                    + "failed scheduled export or job again; doubled after each further failure in a row (±20% jitter)"),
            SettingSpec.optional("node.retry-max-delay", Type.DURATION, "30m", "the longest wait between two tries of a "
                    + "failed export or job (an export is also tried at its next regular time)"),
            SettingSpec.optional("node.log-file-mib", Type.INT, "10", "resilient node: size in MiB at which log/node.log "
                    + "is rolled over (also rolled daily); rolled files are gzipped"),
            SettingSpec.optional("node.log-keep-days", Type.INT, "14", "resilient node: days of rolled log files kept in log/"),
            SettingSpec.optional("node.log-total-mib", Type.INT, "1024", "resilient node: the most MiB of rolled log files "
                    + "kept in log/ (the oldest go first)"),
            SettingSpec.optional("export.interval", Type.DURATION, "60m", "time between scheduled exports (from the end of "
                    + "one to the start of the next)"),
            SettingSpec.optional("export.cron", Type.STRING, null, "export at the times of this 5-field cron expression "
                    + "instead of every export.interval: minute hour day-of-month month day-of-week, e.g. '0 */6 * * *'"),
            SettingSpec.optional("export.time-zone", Type.STRING, null, "the time zone export.cron is read in, e.g. "
                    + "Europe/Berlin (default: the system's)"),
            SettingSpec.optional("export.jitter", Type.DURATION, null, "each scheduled export starts up to this much later "
                    + "at random, so that nodes do not export in step (default: a tenth of the time between exports, "
                    + "at most 5m; 0s for none)"),
            SettingSpec.optional("export.retries", Type.INT, "3", "retries of a failed export within one run, after "
                    + "export.retry-delay, doubled for each further retry"),
            SettingSpec.optional("export.retry-delay", Type.DURATION, "10s", "the wait before the first retry of a failed "
                    + "export within one run (±20% jitter)"),
            SettingSpec.optional("export.notify", Type.LIST, "", "URIs of the pull-backup nodes to announce backups to"),
            SettingSpec.optional("export.keep", Type.INT, "2", "published backups kept on the export node"),
            SettingSpec.optional("pbs.source", Type.URI, null, "URI of the export node (until a takeover announces another)"),
            SettingSpec.optional("pbs.targets", Type.LIST, "", "URIs of the import nodes to push backups to"),
            SettingSpec.optional("pbs.archive", Type.URI, null, "the archive, e.g. dir:/srv/pbs/archive (default dir:<node.dir>/archive)"),
            SettingSpec.optional("pbs.keep", Type.INT, "2", "published backups kept on the pull-backup node"),
            SettingSpec.optional("pbs.keep-last", Type.INT, "1", "retention: keep this many newest generations"),
            SettingSpec.optional("pbs.keep-within", Type.DURATION, "14d", "retention: keep every generation this young"),
            SettingSpec.optional("pbs.keep-daily", Type.INT, "0", "retention: keep the newest generation of this many days"),
            SettingSpec.optional("pbs.keep-weekly", Type.INT, "0", "retention: keep the newest generation of this many weeks"),
            SettingSpec.optional("pbs.keep-monthly", Type.INT, "0", "retention: keep the newest generation of this many months"),
            SettingSpec.optional("import.keep", Type.INT, "2", "received backups kept on an import node"));

    /** @return the node's name */
    public String name() {
        return settings.required("node.name");
    }

    /** @return the node's role */
    public Role role() {
        return Role.parse(settings.required("node.role"));
    }

    /** @return the node directory */
    public Path directory() {
        return settings.path("node.dir", null);
    }

    /** @return the component name */
    public String component() {
        return settings.string("node.component", "files");
    }

    /** @return the node's URI, by default the file URI of its directory */
    public URI uri() {
        return normalize(settings.uri("node.uri", directory().toAbsolutePath().toUri()));
    }

    /**
     * The one spelling of a node URI, so that URIs from config files, {@code Path.toUri()} and messages compare
     * equal: {@code file:/a/b} (absolute, normalized, no trailing slash) for files, no trailing slash otherwise.
     *
     * @param uri a node URI, or null
     * @return the normalized URI, or null
     */
    public static URI normalize(URI uri) {
        if (uri == null) {
            return null;
        }
        if ("file".equals(uri.getScheme())) {
            return URI.create("file:" + encodePath(java.nio.file.Path.of(uri.getPath()).toAbsolutePath().normalize().toString()));
        }
        String s = uri.toString();
        return s.endsWith("/") && s.length() > uri.getScheme().length() + 2 ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }

    private static String encodePath(String path) {
        try {
            return new URI(null, null, path, null).getRawPath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(path, e);
        }
    }

    /** @return the inbox polling interval */
    public Duration pollInterval() {
        return settings.duration("node.poll-interval", Duration.ofSeconds(1));
    }

    /** @return the export interval */
    public Duration exportInterval() {
        return settings.duration("export.interval", Duration.ofMinutes(60));
    }

    /** @return retries of a failed export within one run */
    public int exportRetries() {
        return Math.max(0, settings.integer("export.retries", 3));
    }

    /** @return the waits between the tries of one export run ({@code export.retry-delay}, doubling) */
    public Backoff exportRetryBackoff() {
        return new Backoff(settings.duration("export.retry-delay", Duration.ofSeconds(10)), retryBackoff().max());
    }

    /** @return the waits of a running node before it tries a failed export or job again */
    public Backoff retryBackoff() {
        return new Backoff(settings.duration("node.retry-delay", Duration.ofMinutes(1)),
                settings.duration("node.retry-max-delay", Duration.ofMinutes(30)));
    }

    /**
     * The export schedule: {@code export.cron} in {@code export.time-zone} if set, else every {@code export.interval}.
     *
     * @return the schedule
     * @throws IllegalArgumentException naming the key whose value is wrong
     */
    public Schedule exportSchedule() {
        Optional<String> cron = settings.get("export.cron").filter(v -> !v.isBlank());
        if (cron.isEmpty()) {
            try {
                return Schedule.every(exportInterval());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'export.interval': " + e.getMessage(), e);
            }
        }
        ZoneId zone;
        try {
            zone = settings.get("export.time-zone").filter(v -> !v.isBlank()).map(ZoneId::of).orElse(ZoneId.systemDefault());
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("'export.time-zone' = '" + settings.get("export.time-zone").orElse("")
                    + "' is not a time zone (e.g. UTC, Europe/Berlin)", e);
        }
        try {
            return Schedule.cron(cron.get(), zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'export.cron' = " + e.getMessage(), e);
        }
    }

    /** @return the most a scheduled export is delayed at random, or null for the default */
    public Duration exportJitter() {
        return settings.duration("export.jitter", null);
    }

    /**
     * The export planner of these settings.
     *
     * @param random a source of numbers in [0, 1), for the jitter
     * @return the planner
     */
    public ExportPlanner exportPlanner(DoubleSupplier random) {
        return new ExportPlanner(exportSchedule(), exportJitter(), retryBackoff(), random);
    }

    /** @return the pull-backup nodes to announce to */
    public List<URI> pullBackupNodes() {
        return uris("export.notify");
    }

    /** @return the export node's URI, or null */
    public URI source() {
        return normalize(settings.uri("pbs.source", null));
    }

    /** @return the import nodes to push to */
    public List<URI> targets() {
        return uris("pbs.targets");
    }

    /** @return the archive location */
    public URI archive() {
        return settings.uri("pbs.archive", URI.create("dir:" + directory().toAbsolutePath().resolve("archive")));
    }

    /**
     * How many published backups to keep locally.
     *
     * @return the count for this node's role
     */
    public int keepPublished() {
        return switch (role()) {
            case EXPORT -> settings.integer("export.keep", 2);
            case PULL_BACKUP -> settings.integer("pbs.keep", 2);
            case IMPORT -> settings.integer("import.keep", 2);
        };
    }

    /** @return the retention policy of the archive */
    public RetentionPolicy retention() {
        return new RetentionPolicy(settings.integer("pbs.keep-last", 1),
                settings.duration("pbs.keep-within", Duration.ofDays(14)), settings.integer("pbs.keep-daily", 0),
                settings.integer("pbs.keep-weekly", 0), settings.integer("pbs.keep-monthly", 0));
    }

    private List<URI> uris(String key) {
        return settings.list(key).stream().map(v -> normalize(Settings.of(java.util.Map.of(key, v)).uri(key, null))).toList();
    }
}
