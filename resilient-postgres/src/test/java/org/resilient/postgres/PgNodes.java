package org.resilient.postgres;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.resilient.api.NodeRole;
import org.resilient.core.Resilient;

/**
 * The import node of the node-level kill test, built the way a user builds it; its password comes from the
 * environment ({@code RESILIENT_POSTGRES_PASSWORD}), so the JVM that runs it has it in no argument.
 */
final class PgNodes {
    private PgNodes() {
    }

    /**
     * An import node over a standby server.
     *
     * @param dir its directory
     * @param pbs the pull-backup node it reports to
     * @param host the standby's host
     * @param port the standby's port
     * @param user the role to connect as
     * @param password the role's password
     * @param db the database
     * @return its builder
     */
    static Resilient.Builder standby(Path dir, URI pbs, String host, String port, String user, String password, String db) {
        return Resilient.node("db1", NodeRole.IMPORT).component("postgres").directory(dir).notify(pbs)
                .set("postgres.host", host).set("postgres.port", port).set("postgres.user", user)
                .set("postgres.databases", db).set("postgres.jobs", "2").set("postgres.sslmode", "disable")
                .environment(Map.of("RESILIENT_POSTGRES_PASSWORD", password));
    }
}
