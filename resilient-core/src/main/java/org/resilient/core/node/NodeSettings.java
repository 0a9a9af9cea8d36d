package org.resilient.core.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    public static final List<SettingSpec> SPECS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            SettingSpec.required("node.name", Type.STRING, "this node's name, e.g. db0"),
            SettingSpec.required("node.role", Type.STRING, "export, pull-backup or import"),
            SettingSpec.required("node.dir", Type.PATH, "the node directory (backup/, incoming/, inbox/, archive/, state/)"),
            SettingSpec.optional("node.component", Type.STRING, "files", "the component to back up"),
            SettingSpec.optional("node.uri", Type.URI, null, "this node's URI for other nodes (default file:<node.dir>)"),
            SettingSpec.optional("node.poll-interval", Type.DURATION, "1s", "how often a running node reads its inbox"),
            SettingSpec.optional("export.interval", Type.DURATION, "60m", "time between scheduled exports"),
            SettingSpec.optional("export.retries", Type.INT, "3", "immediate retries of a failed export"),
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
            SettingSpec.optional("import.keep", Type.INT, "2", "received backups kept on an import node"),
            SettingSpec.optional("import.sources", Type.LIST, "",
                    "URIs of the pull-backup nodes this import node takes deliveries from (default: any node of the cluster)")),
            org.resilient.support.keys.KeyFiles.SPECS.stream()).toList();

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

    /** @return immediate retries of a failed export */
    public int exportRetries() {
        return settings.integer("export.retries", 3);
    }

    /** @return the pull-backup nodes to announce to */
    public List<URI> pullBackupNodes() {
        return uris("export.notify");
    }

    /** @return the export node's URI, or null */
    public URI source() {
        return normalize(settings.uri("pbs.source", null));
    }

    /** @return the pull-backup nodes an import node takes deliveries from (empty: any) */
    public List<URI> importSources() {
        return uris("import.sources");
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
