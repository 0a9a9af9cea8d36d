package org.resilient.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** The role of a node. */
public enum Role {
    /** The live leader: exports its component and announces backups. */
    EXPORT("export"),
    /** Pulls, verifies and archives backups, and pushes them to import nodes. */
    PULL_BACKUP("pull-backup"),
    /** A standby: imports every backup it receives; can be promoted to leader. */
    IMPORT("import");

    private final String configName;

    Role(String configName) {
        this.configName = configName;
    }

    /**
     * The name used in config files and on the command line.
     *
     * @return e.g. {@code pull-backup}
     */
    public String configName() {
        return configName;
    }

    /**
     * Parses a config name.
     *
     * @param name e.g. {@code import}
     * @return the role
     * @throws ResilienceException {@code CONFIG_INVALID} for unknown names
     */
    public static Role parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.configName.equals(n) || r.name().equalsIgnoreCase(n)).findFirst()
                .orElseThrow(() -> new ResilienceException(ErrorCode.CONFIG_INVALID, "unknown role '" + name + "'; use one of "
                        + Arrays.stream(values()).map(Role::configName).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return configName;
    }
}
