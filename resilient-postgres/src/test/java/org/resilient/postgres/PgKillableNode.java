package org.resilient.postgres;

import java.net.URI;
import java.nio.file.Path;
import org.resilient.core.ResilientNode;

/**
 * A JVM running a whole PostgreSQL import node through the public API, for a test that kills it with {@code kill -9}
 * while it imports: it reads its inbox and runs its pending job once, as a started node does each poll. The
 * password comes from {@code KILL_PG_PASSWORD} in its environment.
 */
public final class PgKillableNode {
    private PgKillableNode() {
    }

    /**
     * @param args node directory, pull-backup node URI, standby host, standby port, user, database
     */
    public static void main(String[] args) {
        try (ResilientNode node = PgNodes.standby(Path.of(args[0]), URI.create(args[1]), args[2], args[3], args[4],
                System.getenv("KILL_PG_PASSWORD"), args[5]).build()) {
            System.out.println("POLLING");
            System.out.flush();
            node.poll();
        }
        System.out.println("DONE");
        System.out.flush();
    }
}
