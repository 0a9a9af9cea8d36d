package org.resilient.core.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.Optional;
import java.time.ZoneId;
import java.util.function.DoubleSupplier;
import org.resilient.core.schedule.Backoff;
import org.resilient.core.schedule.ExportPlanner;
import org.resilient.core.schedule.Schedule;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.NodeRole;
import org.resilient.api.SettingSpec;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec.Type;
import org.resilient.api.Settings;
import org.resilient.support.keys.KeyFiles;

/**
 * The settings of a node itself (prefixes {@code node}, {@code export}, {@code pbs}, {@code import}), typed.
 *
 * @param settings the raw settings
 */
public record NodeSettings(Settings settings) {
    private static final String ABSOLUTE = "file: URIs with an absolute path, e.g. file:/srv/resilient/node1";

    /** This node's name. */
    public static final Setting<String> NAME = Setting.string("node.name", null, "this node's name, e.g. db0")
            .required().check(n -> n.matches("[A-Za-z0-9][A-Za-z0-9_.-]*"), "letters, digits, '_', '.' and '-'");
    /** This node's configured role. */
    public static final Setting<NodeRole> ROLE = Setting.of("node.role", Type.STRING, null,
            "export, pull-backup or import", NodeRole::parse, "one of export, pull-backup, import").required();
    /** The node directory. */
    public static final Setting<Path> DIR = Setting.path("node.dir", null,
            "the node directory (backup/, incoming/, inbox/, archive/, state/)").required();
    /** The component it exports or imports. */
    public static final Setting<String> COMPONENT = Setting.string("node.component", "files", "the component to back up");
    /** Its URI for other nodes. */
    public static final Setting<URI> URI_ = Setting.uri("node.uri", null,
            "this node's URI for other nodes (default file:<node.dir>)").check(NodeSettings::absoluteFileUris, ABSOLUTE);
    /** How often a running node reads its inbox. */
    public static final Setting<Duration> POLL_INTERVAL = Setting.duration("node.poll-interval", "1s",
            "how often a running node reads its inbox").positive();
    /** Time between scheduled exports. */
    public static final Setting<Duration> EXPORT_INTERVAL = Setting.duration("export.interval", "60m",
            "time between scheduled exports").positive();
    /** Immediate retries of a failed export. */
    public static final Setting<Integer> EXPORT_RETRIES = Setting.integer("export.retries", 3,
            "immediate retries of a failed export").range(0, 100);
    /** The pull-backup nodes an export node announces to. */
    public static final Setting<List<URI>> EXPORT_NOTIFY = Setting.uris("export.notify",
            "URIs of the pull-backup nodes to announce backups to").check(NodeSettings::absoluteFileUris, ABSOLUTE);
    /** Published backups kept on an export node. */
    public static final Setting<Integer> EXPORT_KEEP = Setting.integer("export.keep", 2,
            "published backups kept on the export node").range(1, Long.MAX_VALUE);
    /** The export node a pull-backup node pulls from. */
    public static final Setting<URI> PBS_SOURCE = Setting.uri("pbs.source", null,
            "URI of the export node (until a takeover announces another)").check(NodeSettings::absoluteFileUris, ABSOLUTE);
    /** The import nodes a pull-backup node pushes to. */
    public static final Setting<List<URI>> PBS_TARGETS = Setting.uris("pbs.targets",
            "URIs of the import nodes to push backups to").check(NodeSettings::absoluteFileUris, ABSOLUTE);
    /** The archive of a pull-backup node. */
    public static final Setting<URI> PBS_ARCHIVE = Setting.uri("pbs.archive", null,
            "the archive, e.g. dir:/srv/pbs/archive (default dir:<node.dir>/archive)");
    /** Published backups kept on a pull-backup node. */
    public static final Setting<Integer> PBS_KEEP = Setting.integer("pbs.keep", 2,
            "published backups kept on the pull-backup node").range(1, Long.MAX_VALUE);
    /** Retention: newest generations kept. */
    public static final Setting<Integer> KEEP_LAST = Setting.integer("pbs.keep-last", 1,
            "retention: keep this many newest generations").range(1, Long.MAX_VALUE);
    /** Retention: age below which every generation is kept. */
    public static final Setting<Duration> KEEP_WITHIN = Setting.duration("pbs.keep-within", "14d",
            "retention: keep every generation this young").check(d -> !d.isNegative(), "0 or more");
    /** Retention: daily generations kept. */
    public static final Setting<Integer> KEEP_DAILY = Setting.integer("pbs.keep-daily", 0,
            "retention: keep the newest generation of this many days").range(0, Long.MAX_VALUE);
    /** Retention: weekly generations kept. */
    public static final Setting<Integer> KEEP_WEEKLY = Setting.integer("pbs.keep-weekly", 0,
            "retention: keep the newest generation of this many weeks").range(0, Long.MAX_VALUE);
    /** Retention: monthly generations kept. */
    public static final Setting<Integer> KEEP_MONTHLY = Setting.integer("pbs.keep-monthly", 0,
            "retention: keep the newest generation of this many months").range(0, Long.MAX_VALUE);
    /** Received backups kept on an import node. */
    public static final Setting<Integer> IMPORT_KEEP = Setting.integer("import.keep", 2,
            "received backups kept on an import node").range(1, Long.MAX_VALUE);

    /** The first wait before a running node tries a failed export or job again. */
    public static final Setting<Duration> RETRY_DELAY = Setting.duration("node.retry-delay", "1m",
            "how long a running node waits before it tries a failed export or job again (doubled after each failure)")
            .positive();
    /** The longest wait between two tries. */
    public static final Setting<Duration> RETRY_MAX_DELAY = Setting.duration("node.retry-max-delay", "30m",
            "the longest wait between two tries of a failed export or job").positive();
    /** Node log rolling size. */
    public static final Setting<Integer> LOG_FILE_MIB = Setting.integer("node.log-file-mib", 10,
            "resilient node: size in MiB at which log/node.log is rolled").range(1, 100_000);
    /** Node log history. */
    public static final Setting<Integer> LOG_KEEP_DAYS = Setting.integer("node.log-keep-days", 14,
            "resilient node: days of rolled log files kept in log/").range(1, 100_000);
    /** Node log total size. */
    public static final Setting<Integer> LOG_TOTAL_MIB = Setting.integer("node.log-total-mib", 1024,
            "resilient node: the most MiB of rolled log files kept").range(1, 10_000_000);
    /** Export times as a cron expression. */
    public static final Setting<String> EXPORT_CRON = Setting.string("export.cron", null,
            "export at the times of this 5-field cron expression (minute hour day-of-month month day-of-week) instead of"
                    + " every export.interval");
    /** The time zone of export.cron. */
    public static final Setting<String> EXPORT_TIME_ZONE = Setting.string("export.time-zone", null,
            "the time zone export.cron is read in, e.g. UTC or Europe/Berlin (default: the system's)");
    /** Random delay of scheduled exports. */
    public static final Setting<Duration> EXPORT_JITTER = Setting.duration("export.jitter", null,
            "each scheduled export starts up to this much later at random (default: a tenth of the time between"
                    + " exports, at most 5m; 0s for none)");
    /** First wait between retries within one export run. */
    public static final Setting<Duration> EXPORT_RETRY_DELAY = Setting.duration("export.retry-delay", "10s",
            "the wait before the first retry of a failed export within one run (doubled for each further retry)")
            .positive();

    /** Where a running node serves /health and /metrics. */
    public static final Setting<String> METRICS_LISTEN = Setting.string("node.metrics-listen", null,
            "host:port (or a port, on loopback) serving GET /health and GET /metrics (Prometheus) over plain HTTP;"
                    + " read-only, no data; off by default");
    /** For status --cluster: the /health URL of each non-file peer. */
    public static final Setting<List<String>> PEER_HEALTH = Setting.list("node.peer-health", "for 'status --cluster':"
            + " the /health URL of each non-file peer, as <peer-uri>=<url> (e.g. https://db1:7443=http://db1:9464/health);"
            + " by default a peer is asked at its host on this node's node.metrics-listen port")
            .check(l -> l.stream().allMatch(e -> e.indexOf('=') > 0), "a comma-separated list of <peer-uri>=<url>");
    /** The age of the last good scheduled step past which a node is unhealthy. */
    public static final Setting<Duration> STALE_AFTER = Setting.duration("node.stale-after", null,
            "age of the last good export, pull or import past which status is unhealthy (default: 2 x export.interval,"
                    + " or the longest gap of export.cron, + 10m; set the leader's schedule on every node)").positive();

    /** The pull-backup nodes an import node takes deliveries from. */
    public static final Setting<List<URI>> IMPORT_SOURCES = Setting.uris("import.sources",
            "URIs of the pull-backup nodes this import node takes deliveries from (default: any node of the cluster)")
            .check(NodeSettings::absoluteFileUris, ABSOLUTE);

    /** The coordinator that makes failover automatic; none: takeover stays manual. */
    public static final Setting<String> COORDINATOR = Setting.string("node.coordinator", null,
            "the coordinator for automatic failover: embedded (the nodes of ONE machine; set embedded.dir) or zookeeper"
                    + " (nodes on several machines; set zookeeper.connect). Every node of the cluster names the same one."
                    + " Unset: no automatic failover, takeover by hand with 'resilient takeover'")
            .check(n -> n.matches("[a-z][a-z0-9-]*"), "a coordinator name such as embedded or zookeeper");
    /** Tie-break between candidates with equally new good imports. */
    public static final Setting<Integer> PRIORITY = Setting.integer("node.priority", 0,
            "failover: among import nodes with equally new good imports the one with the higher priority is promoted")
            .range(-1000, 1000);
    /** How long an election waits for imports in progress. */
    public static final Setting<Duration> TAKEOVER_IMPORT_WAIT = Setting.duration("node.takeover-import-wait", "30s",
            "failover: how long an election waits for a candidate's import in progress before passing it over")
            .check(d -> !d.isNegative(), "0 or more");

    /** Every key a node reads (its key files included), for the configuration check and help. */
    public static final List<SettingSpec> SPECS = Stream.concat(Stream.of(IMPORT_SOURCES, NAME, ROLE, DIR, COMPONENT, URI_, POLL_INTERVAL,
            EXPORT_INTERVAL, EXPORT_RETRIES, EXPORT_NOTIFY, EXPORT_KEEP, PBS_SOURCE, PBS_TARGETS, PBS_ARCHIVE, PBS_KEEP,
            KEEP_LAST, KEEP_WITHIN, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, IMPORT_KEEP, RETRY_DELAY, RETRY_MAX_DELAY,
            LOG_FILE_MIB, LOG_KEEP_DAYS, LOG_TOTAL_MIB, EXPORT_CRON, EXPORT_TIME_ZONE, EXPORT_JITTER, EXPORT_RETRY_DELAY,
            METRICS_LISTEN, PEER_HEALTH, STALE_AFTER, COORDINATOR, PRIORITY, TAKEOVER_IMPORT_WAIT).map(Setting::spec), KeyFiles.SPECS.stream()).toList();

    /** @return the node's name */
    public String name() {
        return NAME.get(settings);
    }

    /** @return the node's role */
    public NodeRole role() {
        return ROLE.get(settings);
    }

    /** @return the node directory */
    public Path directory() {
        return DIR.get(settings);
    }

    /** @return the component name */
    public String component() {
        return COMPONENT.get(settings);
    }

    /** @return the node's URI, by default the file URI of its directory */
    public URI uri() {
        return normalize(URI_.find(settings).orElseGet(() -> directory().toAbsolutePath().toUri()));
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

    /** @return the coordinator's name ({@code node.coordinator}), or empty when failover is manual */
    public Optional<String> coordinator() {
        return COORDINATOR.find(settings).map(String::trim).filter(n -> !n.isEmpty());
    }

    /** @return {@code node.priority} */
    public int priority() {
        return PRIORITY.get(settings);
    }

    /** @return how long an election waits for imports in progress */
    public Duration takeoverImportWait() {
        return TAKEOVER_IMPORT_WAIT.get(settings);
    }

    /** @return the inbox polling interval */
    public Duration pollInterval() {
        return POLL_INTERVAL.get(settings);
    }

    /** @return the export interval */
    public Duration exportInterval() {
        return EXPORT_INTERVAL.get(settings);
    }

    /** Slack added to two export intervals before a scheduled step counts as stale. */
    private static final Duration STALE_SLACK = Duration.ofMinutes(10);
    /** Where the scan of a cron's gaps starts. */
    private static final Instant CRON_SCAN_FROM = Instant.parse("2026-01-01T00:00:00Z");

    /** @return where {@code /health} and {@code /metrics} are served ({@code host:port} or a port), if anywhere */
    public Optional<String> metricsListen() {
        return METRICS_LISTEN.find(settings).map(String::trim);
    }

    /** @return the {@code <peer-uri>=<url>} entries of {@code node.peer-health} */
    public List<String> peerHealth() {
        return PEER_HEALTH.get(settings);
    }

    /** @return the age of the last good scheduled step past which the node is unhealthy */
    public Duration staleAfter() {
        return STALE_AFTER.find(settings).orElseGet(() -> expectedEvery().multipliedBy(2).plus(STALE_SLACK));
    }

    /**
     * The time between two scheduled steps that freshness is judged by: {@code export.interval}, or with
     * {@code export.cron} the longest gap between its times (e.g. a weekend for a weekdays-only cron), so that a
     * daily cron is not reported stale after two hours.
     *
     * @return the expected time between two good runs
     */
    public Duration expectedEvery() {
        if (Optional.ofNullable(EXPORT_CRON.get(settings)).filter(v -> !v.isBlank()).isEmpty()) {
            return exportInterval();
        }
        Schedule schedule = exportSchedule();
        // Scan a fixed stretch (deterministic): up to 3000 due times or 400 days, whichever ends first.
        Instant t = schedule.next(CRON_SCAN_FROM);
        Instant end = CRON_SCAN_FROM.plus(Duration.ofDays(400));
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 3000 && t.isBefore(end); i++) {
            Instant next = schedule.next(t);
            Duration gap = Duration.between(t, next);
            longest = gap.compareTo(longest) > 0 ? gap : longest;
            t = next;
        }
        return longest.isZero() ? exportInterval() : longest;
    }

    /** @return retries of a failed export within one run */
    public int exportRetries() {
        return EXPORT_RETRIES.get(settings);
    }

    /** @return the waits between the retries of a failed export within one run */
    public Backoff exportRetryBackoff() {
        return new Backoff(EXPORT_RETRY_DELAY.get(settings), retryBackoff().max());
    }

    /** @return the waits of a running node before it tries a failed export or job again */
    public Backoff retryBackoff() {
        return new Backoff(RETRY_DELAY.get(settings), RETRY_MAX_DELAY.get(settings));
    }

    /**
     * The export schedule: {@code export.cron} in {@code export.time-zone} if set, else every {@code export.interval}.
     *
     * @return the schedule
     * @throws IllegalArgumentException naming the key whose value is wrong
     */
    public Schedule exportSchedule() {
        Optional<String> cron = Optional.ofNullable(EXPORT_CRON.get(settings)).filter(v -> !v.isBlank());
        if (cron.isEmpty()) {
            try {
                return Schedule.every(exportInterval());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'export.interval': " + e.getMessage(), e);
            }
        }
        String zoneName = EXPORT_TIME_ZONE.get(settings);
        ZoneId zone;
        try {
            zone = zoneName == null || zoneName.isBlank() ? ZoneId.systemDefault() : ZoneId.of(zoneName);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("'export.time-zone' = '" + zoneName
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
        return EXPORT_JITTER.get(settings);
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
        return EXPORT_NOTIFY.get(settings).stream().map(NodeSettings::normalize).toList();
    }

    /** @return the export node's URI, or null */
    public URI source() {
        return normalize(PBS_SOURCE.get(settings));
    }

    /** @return the pull-backup nodes an import node takes deliveries from (empty: any) */
    public List<URI> importSources() {
        return IMPORT_SOURCES.get(settings).stream().map(NodeSettings::normalize).toList();
    }

    /** @return the import nodes to push to */
    public List<URI> targets() {
        return PBS_TARGETS.get(settings).stream().map(NodeSettings::normalize).toList();
    }

    /** @return the archive location */
    public URI archive() {
        return PBS_ARCHIVE.find(settings).orElseGet(() -> URI.create("dir:" + directory().toAbsolutePath().resolve("archive")));
    }

    /**
     * How many published backups to keep locally.
     *
     * @return the count for this node's role
     */
    public int keepPublished() {
        return switch (role()) {
            case EXPORT -> EXPORT_KEEP.get(settings);
            case PULL_BACKUP -> PBS_KEEP.get(settings);
            case IMPORT -> IMPORT_KEEP.get(settings);
        };
    }

    /** @return the retention policy of the archive */
    public RetentionPolicy retention() {
        return new RetentionPolicy(KEEP_LAST.get(settings), KEEP_WITHIN.get(settings), KEEP_DAILY.get(settings),
                KEEP_WEEKLY.get(settings), KEEP_MONTHLY.get(settings));
    }

    // file:node1 is a valid URI but names no directory another node can find (and has no path at all).
    private static boolean absoluteFileUris(Object value) {
        List<?> all = value instanceof List<?> l ? l : List.of(value);
        return all.stream().allMatch(u -> !(u instanceof URI uri) || !"file".equalsIgnoreCase(uri.getScheme())
                || (!uri.isOpaque() && uri.getPath() != null && uri.getPath().startsWith("/")));
    }
}
