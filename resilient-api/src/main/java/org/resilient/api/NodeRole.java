package org.resilient.api;

import java.util.Locale;

/**
 * The role a node publishes to the coordinator: what it does in the cluster right now. The same three roles
 * as in a node's configuration ({@code node.role}); a promoted import node publishes {@link #EXPORT}.
 */
public enum NodeRole {
    /** The live leader: exports its component and announces backups. */
    EXPORT("export"),
    /** Pulls, verifies and archives backups, and pushes them to import nodes. */
    PULL_BACKUP("pull-backup"),
    /** A standby: imports every backup it receives; a candidate when the leader fails. */
    IMPORT("import");

    private final String configName;

    NodeRole(String configName) {
        this.configName = configName;
    }

    /**
     * The name used in config files, on the command line and in published states.
     *
     * @return e.g. {@code pull-backup}
     */
    public String configName() {
        return configName;
    }

    /**
     * Parses a config name ({@code pull-backup}) or a constant name ({@code PULL_BACKUP}).
     *
     * @param name the text
     * @return the role
     * @throws ResilienceException {@code CONFIG_INVALID} for an unknown name
     */
    public static NodeRole parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (NodeRole r : values()) {
            if (r.configName.equals(n) || r.name().equalsIgnoreCase(n)) {
                return r;
            }
        }
        throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                "unknown role '" + name + "'; use one of export, pull-backup, import");
    }

    @Override
    public String toString() {
        return configName;
    }
}
