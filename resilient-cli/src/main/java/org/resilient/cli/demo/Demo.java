package org.resilient.cli.demo;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.cli.archive.Sizes;
import org.resilient.core.NodeStatus;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;
import org.resilient.core.Takeover;
import org.resilient.core.registry.Registry;

/**
 * {@code resilient demo}: one export node (db0), one pull-backup node (pbs1) and two import nodes (db1, db2)
 * of the files component, all in this process, talking through the file transport; three cycles, the
 * archive's history, byte-for-byte checks, a takeover, one more cycle and the old leader fenced.
 */
public final class Demo {
    private final PrintWriter out;
    private final Path requestedDir;
    private final int sizeMb;
    private final long start = System.nanoTime();
    private int checks;
    private int failures;

    /**
     * Prepares a demo.
     *
     * @param out where to print
     * @param dir where to work, or null for a new temporary directory
     * @param sizeMb size of the demo data
     */
    public Demo(PrintWriter out, Path dir, int sizeMb) {
        this.out = out;
        this.requestedDir = dir;
        this.sizeMb = sizeMb;
    }

    /**
     * Runs the demo.
     *
     * @return true if every check passed
     * @throws Exception if the demo cannot run at all
     */
    public boolean run() throws Exception {
        Path dir = requestedDir != null ? Files.createDirectories(requestedDir).toAbsolutePath()
                : Files.createTempDirectory("resilient-demo-");
        Path live = dir.resolve("live/db0");
        Path standby1 = dir.resolve("standby/db1");
        Path standby2 = dir.resolve("standby/db2");
        Path nodes = dir.resolve("nodes");
        URI db0Uri = nodes.resolve("db0").toUri();
        URI pbsUri = nodes.resolve("pbs1").toUri();
        URI db1Uri = nodes.resolve("db1").toUri();
        URI db2Uri = nodes.resolve("db2").toUri();
        String archiveScheme = Registry.load().all().stream().anyMatch(p -> "archive".equals(p.kind()) && "dir".equals(p.name())
                && !p.error()) ? "dir" : "copy";
        URI archiveUri = URI.create(archiveScheme + ":" + nodes.resolve("pbs1/archive"));

        title("resilient demo in " + dir);
        DemoData data = new DemoData(live, sizeMb);
        data.seed();
        long[] fb = TreeComparison.filesAndBytes(live);
        say("live data of db0: %d files, %s in %s", fb[0], Sizes.human(fb[1]), live);
        say("nodes: db0 (export) -> pbs1 (pull-backup, archive %s) -> db1, db2 (import); transport: file", archiveScheme);

        ResilientNode db0 = Resilient.node("db0", NodeRole.EXPORT).component("files").set("files.source", live.toString())
                .directory(nodes.resolve("db0")).notify(pbsUri).build();
        ResilientNode pbs1 = Resilient.node("pbs1", NodeRole.PULL_BACKUP).directory(nodes.resolve("pbs1"))
                .pullFrom(db0Uri, db1Uri, db2Uri).archive(archiveUri).set("pbs.keep-last", "10").build();
        ResilientNode db1 = importNode("db1", nodes, standby1, pbsUri);
        ResilientNode db2 = importNode("db2", nodes, standby2, pbsUri);
        try {
            for (int cycle = 1; cycle <= 3; cycle++) {
                title("cycle " + cycle);
                if (cycle == 2) {
                    data.change2();
                    say("changed: 64 KiB of orders appended, one customer row edited in place");
                } else if (cycle == 3) {
                    data.change3();
                    say("changed: table items dropped, table invoices created, app.conf edited");
                }
                cycle(db0, pbs1, List.of(db1, db2));
            }

            title("archive history (" + archiveUri + ")");
            showArchive(archiveUri);

            title("byte-for-byte check of the standbys");
            check("db1 equals db0", TreeComparison.differences(live, standby1));
            check("db2 equals db0", TreeComparison.differences(live, standby2));

            title("one more backup reaches db1 only, then the leader crashes");
            Files.writeString(live.resolve("tables/late.tsv"), "1\tlast write before the crash\n");
            BackupId late = timed("db0 export", db0::exportNow);
            timed("pbs1 pull, verify, archive, push", pbs1::poll);
            timed("db1 verify and import", db1::poll);
            say("db2 has not imported %s yet (it is busy): it is one backup behind", late);

            title("takeover: db0 stops, the best standby is promoted");
            db0.close();
            say("db0 stopped (simulated crash of the leader)");
            ResilientNode winner = Takeover.choose(List.of(db1, db2)).orElseThrow();
            for (ResilientNode n : List.of(db1, db2)) {
                NodeStatus s = n.status();
                say("candidate %s: last good import %s (made %s)", s.name(), s.lastImport().backupId(), s.lastImport().backupTime());
            }
            check("the standby with the newest import (db1) is chosen", winner == db1 ? List.of()
                    : List.of("chose " + winner.name()));
            Epoch epoch = Takeover.promote(winner, List.of(db1, db2, pbs1), List.of(pbsUri, db1Uri, db2Uri, db0Uri));
            ResilientNode leader = winner == db1 ? db1 : db2;
            ResilientNode other = leader == db1 ? db2 : db1;
            Path leaderData = leader == db1 ? standby1 : standby2;
            Path otherData = leader == db1 ? standby2 : standby1;
            say("%s promoted: leader in epoch %s (the fencing token); pbs1 and %s were told", leader.status().name(), epoch,
                    other.status().name());

            title("cycle 4, from the new leader " + leader.status().name());
            DemoData.changeAfterTakeover(leaderData);
            say("changed: the new leader wrote tables/after-takeover.tsv");
            cycle(leader, pbs1, List.of(other));
            check(other.status().name() + " equals new leader " + leader.status().name(),
                    TreeComparison.differences(leaderData, otherData));

            title("fencing: the old leader comes back");
            try (ResilientNode old = Resilient.node("db0", NodeRole.EXPORT).component("files").set("files.source", live.toString())
                    .directory(nodes.resolve("db0")).notify(pbsUri).build()) {
                try {
                    BackupId id = old.exportNow();
                    check("old leader refused to export", List.of("it exported " + id));
                } catch (ResilienceException e) {
                    say("db0 tried to export: refused [%s] %s", e.code(), e.getMessage());
                    check("old leader refused to export", List.of());
                }
            }

            title("summary");
            for (ResilientNode n : List.of(pbs1, db1, db2)) {
                NodeStatus s = n.status();
                say("%-5s %-11s epoch %s  health %s  last import %s", s.name(), s.role(), s.epoch(),
                        s.healthy() ? "OK" : "ERROR", s.lastImport() == null ? "-" : s.lastImport().backupId());
            }
            say("%d checks, %d failed, %.1f s. Everything is in %s", checks, failures, (System.nanoTime() - start) / 1e9, dir);
            out.println(failures == 0 ? "DEMO OK" : "DEMO FAILED");
            return failures == 0;
        } finally {
            for (ResilientNode n : List.of(db0, pbs1, db1, db2)) {
                try {
                    n.close();
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
            out.flush();
        }
    }

    private ResilientNode importNode(String name, Path nodes, Path standby, URI pbsUri) {
        // files.source = files.target: once promoted, the node exports the standby it kept.
        return Resilient.node(name, NodeRole.IMPORT).component("files").set("files.target", standby.toString())
                .set("files.source", standby.toString()).directory(nodes.resolve(name)).notify(pbsUri).build();
    }

    private void cycle(ResilientNode leader, ResilientNode pbs, List<ResilientNode> imports) {
        BackupId id = timed(leader.status().name() + " export", leader::exportNow);
        Optional<BackupId> pulled = timed("pbs1 pull, verify, archive, push", pbs::poll);
        check("pbs1 handled " + id, pulled.filter(id::equals).isPresent() ? List.of() : List.of("it handled " + pulled));
        for (ResilientNode i : imports) {
            Optional<BackupId> imported = timed(i.status().name() + " verify and import", i::poll);
            check(i.status().name() + " imported " + id, imported.filter(id::equals).isPresent() ? List.of()
                    : List.of("it imported " + imported));
        }
    }

    private void showArchive(URI archiveUri) {
        try (Archive a = Registry.load().archive(archiveUri.getScheme()).open(archiveUri, Settings.empty(), false)) {
            out.printf("  %-32s %-26s %10s %10s %10s%n", "GENERATION", "BACKUP", "LOGICAL", "NEW", "STORED");
            for (Generation g : a.generations()) {
                out.printf("  %-32s %-26s %10s %10s %10s%n", g.id(), g.backupId(), Sizes.human(g.logicalBytes()),
                        Sizes.human(g.newBytes()), Sizes.human(g.storedBytes()));
            }
            var s = a.stats();
            say("%d generations, %s of backups stored in %s (%.1fx)", s.generations(), Sizes.human(s.logicalBytes()),
                    Sizes.human(s.storedBytes()), s.reduction());
        }
    }

    private <T> T timed(String what, Supplier<T> step) {
        long t0 = System.nanoTime();
        try {
            T result = step.get();
            say("%-40s %-40s %6.2f s", what, result instanceof Optional<?> o ? o.map(Object::toString).orElse("(nothing)")
                    : String.valueOf(result), (System.nanoTime() - t0) / 1e9);
            return result;
        } catch (ResilienceException e) {
            say("%-40s FAILED [%s] %s", what, e.code(), e.getMessage());
            failures++;
            throw e;
        }
    }

    private void check(String what, List<String> differences) {
        checks++;
        if (differences.isEmpty()) {
            say("check: %-50s OK", what);
        } else {
            failures++;
            say("check: %-50s FAILED", what);
            differences.stream().limit(10).forEach(d -> say("    %s", d));
        }
    }

    private void title(String t) {
        out.println();
        out.println("== " + t);
        out.flush();
    }

    private void say(String format, Object... args) {
        out.println("  " + String.format(format, args));
        out.flush();
    }
}
