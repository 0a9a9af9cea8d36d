package org.resilient.mysql;

import java.net.URI;
import java.nio.file.Path;
import org.resilient.api.NodeRole;
import org.resilient.core.Resilient;

/** The nodes of the node-level kill tests, built the way a user builds them (one place for their settings). */
final class MysqlNodes {
    private MysqlNodes() {
    }

    /**
     * An import node over a standby server.
     *
     * @param dir its directory
     * @param pbs the pull-backup node it reports to
     * @param host the standby's host
     * @param port the standby's port
     * @param databases the databases
     * @return its builder
     */
    static Resilient.Builder standby(Path dir, URI pbs, String host, String port, String databases) {
        return Resilient.node("db1", NodeRole.IMPORT).component("mysql").directory(dir).notify(pbs)
                .set("mysql.host", host).set("mysql.port", port).set("mysql.user", "root")
                .set("mysql.databases", databases).set("mysql.threads", "2").set("mysql.timeout", "3m");
    }
}
