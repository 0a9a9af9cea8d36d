package org.resilient.examples.embedding;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;
import org.resilient.core.Takeover;

/**
 * An application that embeds a whole cluster of the {@code files} component in one process: an export node
 * (the leader, backing up {@code live/}), a pull-backup node (archiving every backup in a {@code dir:}
 * archive) and an import node (keeping {@code standby/} restored); then a manual takeover by the standby.
 * Nodes on several machines are built the same way, each in its own process, with a network transport.
 */
public final class EmbeddedCluster {
    private EmbeddedCluster() {
    }

    /**
     * Runs one cycle and a takeover under {@code args[0]} (or a new temporary directory) and prints what happened.
     *
     * @param args an optional working directory
     * @throws IOException if the working directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("embedded-");
        Path live = Files.createDirectories(dir.resolve("live"));
        Files.writeString(live.resolve("hello.txt"), "hello, standby\n");
        URI pbsUri = dir.resolve("nodes/pbs1").toUri();
        URI standbyUri = dir.resolve("nodes/db1").toUri();

        try (ResilientNode leader = Resilient.node("db0", NodeRole.EXPORT)
                     .component("files").set("files.source", live.toString())
                     .directory(dir.resolve("nodes/db0"))
                     .notify(pbsUri)
                     .build();
             ResilientNode pbs = Resilient.node("pbs1", NodeRole.PULL_BACKUP)
                     .directory(dir.resolve("nodes/pbs1"))
                     .pullFrom(leader.uri(), standbyUri)
                     .archive(URI.create("dir:" + dir.resolve("nodes/pbs1/archive")))
                     .build();
             ResilientNode standby = Resilient.node("db1", NodeRole.IMPORT)
                     .component("files").set("files.target", dir.resolve("standby").toString())
                     .set("files.source", dir.resolve("standby").toString())
                     .directory(dir.resolve("nodes/db1"))
                     .notify(pbsUri)
                     .build()) {
            // A running application calls start() instead and lets the schedule do this every export.interval.
            BackupId id = leader.exportNow();
            pbs.poll();
            standby.poll();
            System.out.println("backup " + id + " exported, archived and imported: "
                    + Files.readString(dir.resolve("standby/hello.txt")).trim());

            // The leader is lost: the standby with the newest good import takes over in a new epoch.
            ResilientNode winner = Takeover.choose(List.of(standby)).orElseThrow();
            Epoch epoch = Takeover.promote(winner, List.of(pbs), List.of(pbsUri));
            System.out.println(winner.name() + " leads in epoch " + epoch + " as " + winner.role());
        }
    }
}
