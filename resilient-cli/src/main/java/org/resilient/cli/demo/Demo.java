package org.resilient.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import org.resilient.cli.archive.Sizes;
import org.resilient.core.registry.Registry;

/**
 * {@code resilient demo}: a leader ({@code db0}), a pull-backup node ({@code db-pbs}) and two standbys ({@code db1},
 * {@code db2}) of the files component, each a separate {@code resilient node} process, over https with mutual TLS
 * and keys made by the demo; three backup cycles (the first at the leader's start, the next two asked of the running
 * leader) that must reach both standbys byte for byte and the archive, the archive's history verified byte by
 * byte; then a failover ({@code DemoFailover}: the leader killed with SIGKILL, {@code db1} taking over by itself
 * through the embedded coordinator, two cycles under the new epoch, the old leader back as a fenced, re-seeded
 * standby) and the archive verified again; then every node stopped with SIGTERM. It prints each step and ends with
 * {@code DEMO OK} or {@code DEMO FAILED}.
 */
public final class Demo {
    /** How long one step (a node starting, a backup reaching a node) may take before the demo gives up. */
    private static final Duration STEP_DEADLINE = Duration.ofMinutes(2);
    private final DemoOutput out;
    private final Path requestedDir;
    private final int sizeMb;

    /**
     * Prepares a demo.
     *
     * @param out where to print
     * @param dir where to work, or null for a new temporary directory
     * @param sizeMb size of the demo data
     */
    public Demo(PrintWriter out, Path dir, int sizeMb) {
        this.out = new DemoOutput(out);
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
        Path live = dir.resolve("live").resolve(DemoCluster.LEADER);
        out.title("resilient demo in " + dir);
        DemoData data = new DemoData(live, sizeMb);
        data.seed();
        long[] fb = TreeComparison.filesAndBytes(live);
        out.say("live data of db0: %d files, %s in %s", fb[0], Sizes.human(fb[1]), live);
        DemoCluster cluster = DemoCluster.create(dir, live);
        out.say("nodes: db0 (export) -> db-pbs (pull-backup, archive) -> db1, db2 (import), each its own process");
        out.say("transport: https with mutual TLS on 127.0.0.1; a cluster CA and a key per node in %s (0600)",
                dir.resolve("configs/keys"));
        out.say("configs: %s/<node>.properties; each node's output: %s/<node>.log", dir.resolve("configs"), dir);
        try (cluster) {
            start(cluster);
            for (DemoStep step : steps(data, live)) {
                out.title(step.title());
                step.run(cluster, out);
            }
            out.title("stopping the nodes (SIGTERM: each ends or cleanly abandons its step)");
            Map<String, Integer> status = cluster.stop(STEP_DEADLINE);
            status.forEach((node, exit) -> out.check(node + " stopped cleanly", exit != null && exit == 0 ? List.of()
                    : List.of(exit == null ? "still running after " + STEP_DEADLINE.toSeconds() + " s" : "exit status " + exit)));
        } catch (ResilienceException e) {
            out.fail("the demo could not go on", "[" + e.code() + "] " + e.getMessage());
        } catch (java.io.IOException e) {
            // A node answered /health with something else than its status, or a file of the demo could not be read.
            out.fail("the demo could not go on", e.toString());
        }
        out.say("%d checks, %d failed, %.1f s. Everything is in %s", out.checks(), out.failures(), out.seconds(), dir);
        if (Files.exists(live) && !Files.isReadable(live)) {
            out.say("db0's live directory stays fenced (mode 0000) as a demoted node leaves it: chmod 700 %s before "
                    + "removing %s", live, dir);
        }
        out.writer().println(out.failures() == 0 ? "DEMO OK" : "DEMO FAILED");
        out.writer().flush();
        return out.failures() == 0;
    }

    /** Starts the nodes, the receivers first, and waits until each listens. */
    private void start(DemoCluster cluster) throws Exception {
        out.title("starting the nodes: " + String.join(" ", DemoCluster.launcher().size() == 1
                ? DemoCluster.launcher() : List.of("java -cp ... org.resilient.cli.Main")) + " node --config FILE");
        for (String node : DemoCluster.START_ORDER) {
            cluster.start(node);
            if (node.equals(DemoCluster.LEADER)) {
                // The leader last: it exports at start, and its announcement should find the others listening.
                continue;
            }
            out.say("%-7s pid %-7d started", node, cluster.pid(node));
            if (node.equals(DemoCluster.STANDBYS.get(DemoCluster.STANDBYS.size() - 1))) {
                for (String n : List.of(DemoCluster.PBS, "db1", "db2")) {
                    cluster.awaitListening(n, STEP_DEADLINE);
                    out.say("%-7s listens on %s", n, cluster.uri(n));
                }
            }
        }
        cluster.awaitListening(DemoCluster.LEADER, STEP_DEADLINE);
        out.say("%-7s pid %-7d listens on %s; it exports at once (its first export is due)", DemoCluster.LEADER,
                cluster.pid(DemoCluster.LEADER), cluster.uri(DemoCluster.LEADER));
    }

    /**
     * The demo's steps, in order, against the running cluster.
     *
     * @param data the leader's data, changed between cycles
     * @param live where it is
     * @return the steps
     */
    List<DemoStep> steps(DemoData data, Path live) {
        List<DemoStep> steps = new ArrayList<>();
        List<Cycle> cycles = new ArrayList<>();
        cycles.add(new Cycle(1, "db0's scheduled export at start", null, DemoCluster.LEADER, live, DemoCluster.STANDBYS));
        cycles.add(new Cycle(2, "64 KiB of orders appended, one customer row edited in place", data::change2,
                DemoCluster.LEADER, live, DemoCluster.STANDBYS));
        cycles.add(new Cycle(3, "table items dropped, table invoices created, app.conf edited", data::change3,
                DemoCluster.LEADER, live, DemoCluster.STANDBYS));
        steps.addAll(cycles);
        List<Cycle> before = List.copyOf(cycles);
        steps.add(step("archive history, verified byte by byte", (c, o) -> archive(c, before)));
        // FAILOVER: db0 is killed with SIGKILL, the best standby (db1: both standbys hold the newest backup, the
        // tie goes to the name) takes over by itself through the embedded coordinator, its first backup reaches db2
        // and the archive in the new epoch, and db0, restarted, comes back as a fenced standby that is re-seeded.
        DemoFailover failover = new DemoFailover(STEP_DEADLINE);
        Path newLive = live.getParent().getParent().resolve("standby").resolve(DemoFailover.NEW_LEADER);
        Cycle promoted = new Cycle(4, DemoFailover.NEW_LEADER + "'s export at its promotion", null,
                DemoFailover.NEW_LEADER, newLive, List.of(DemoFailover.OTHER_STANDBY));
        Cycle reseed = new Cycle(5, "a table written by the new leader " + DemoFailover.NEW_LEADER,
                () -> DemoData.changeAfterTakeover(newLive), DemoFailover.NEW_LEADER, newLive,
                List.of(DemoFailover.OTHER_STANDBY, DemoCluster.LEADER));
        steps.add(step("failover: kill -9 db0, the leader", failover::takeOver));
        steps.add(promoted);
        steps.add(step("failover: the new epoch reached every running node", failover::epochEverywhere));
        steps.add(step("failover: db0 restarted comes back as a standby", failover::oldLeaderReturns));
        steps.add(reseed);
        cycles.add(promoted);
        cycles.add(reseed);
        steps.add(step("archive history after the failover, verified byte by byte", (c, o) -> archive(c, cycles)));
        steps.add(step("summary (GET /health of every node)", (c, o) -> summary(c)));
        return steps;
    }

    private static DemoStep step(String title, DemoStep.Body body) {
        return DemoStep.of(title, body);
    }

    /** A change of the leader's data, then one backup followed from the leader to both standbys and the archive. */
    private final class Cycle implements DemoStep {
        private final int n;
        private final String change;
        private final ThrowingRunnable apply;
        private final String leader;
        private final Path live;
        private final List<String> standbys;
        /** The backup this cycle followed, once it ran. */
        private String id;

        Cycle(int n, String change, ThrowingRunnable apply, String leader, Path live, List<String> standbys) {
            this.n = n;
            this.change = change;
            this.apply = apply;
            this.leader = leader;
            this.live = live;
            this.standbys = standbys;
        }

        @Override
        public String title() {
            return "cycle " + n;
        }

        @Override
        public void run(DemoCluster c, DemoOutput o) throws Exception {
            if (apply == null) {
                o.say("%s", change);
                JsonNode[] first = new JsonNode[1];
                c.await(leader + "'s first export", STEP_DEADLINE, () -> {
                    first[0] = c.step(leader, "export");
                    return first[0].path("ok").asBoolean();
                });
                id = first[0].path("backupId").asText();
            } else {
                apply.run();
                o.say("changed: %s", change);
                o.say("asking the running %s to export now (its control socket, as 'resilient export -c' does)", leader);
                id = c.exportNow(leader);
            }
            show(leader, "export", c.awaitStep(leader, "export", id, STEP_DEADLINE), "copied,"
                    + " hashed into a MANIFEST signed by " + leader + ", published, announced to db-pbs");
            show(DemoCluster.PBS, "pull", c.awaitStep(DemoCluster.PBS, "pull", id, STEP_DEADLINE), "pulled over https,"
                    + " every file checked against the signed MANIFEST");
            if (c.isDown(DemoCluster.LEADER)) {
                // db-pbs also targets db0 (to re-seed it when it returns): while db0 is down, its push step fails
                // for db0 and is retried, so the demo follows the backup to the running standby instead.
                o.say("%-7s %-8s %-34s db0 is down: the push fails for it and is retried; %s gets it", DemoCluster.PBS,
                        "push", id, String.join(" and ", standbys));
            } else {
                show(DemoCluster.PBS, "push", c.awaitStep(DemoCluster.PBS, "push", id, STEP_DEADLINE), "to "
                        + String.join(" and ", standbys));
            }
            show(DemoCluster.PBS, "archive", c.awaitStep(DemoCluster.PBS, "archive", id, STEP_DEADLINE), "stored as a"
                    + " generation of the deduplicating archive");
            for (String s : standbys) {
                show(s, "import", c.awaitStep(s, "import", id, STEP_DEADLINE), "into " + c.copy(s));
            }
            for (String s : standbys) {
                if (s.equals(DemoCluster.LEADER)) {
                    // The deposed leader's copy stays fenced (mode 0000) after an import: the demo does not open
                    // it; the import checked every file against the signed MANIFEST.
                    o.check(s + " imported " + id + " and stays fenced", DemoFailover.fenced(c, s));
                } else {
                    o.check(s + " equals " + leader + " byte for byte", TreeComparison.differences(live, c.copy(s)));
                }
            }
        }
    }

    /** Something to run that may throw (a change of the demo data). */
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void show(String node, String step, JsonNode run, String what) {
        show(out, node, step, run, what);
    }

    /** One line for a node's run of a step. */
    static void show(DemoOutput out, String node, String step, JsonNode run, String what) {
        out.say("%-7s %-8s %-34s %10s %6.2f s  %s", node, step, run.path("backupId").asText(),
                Sizes.human(run.path("bytes").asLong()), run.path("tookMillis").asLong() / 1000.0, what);
    }

    /** The archive's generations, one per cycle so far, then a full verification (every stored byte read and hashed). */
    private void archive(DemoCluster c, List<Cycle> cycles) {
        URI uri = URI.create(c.setting(DemoCluster.PBS, "pbs.archive"));
        try (Archive a = Registry.load().archive(uri.getScheme()).open(uri, Settings.empty(), false)) {
            out.writer().printf("  %-32s %-34s %10s %10s %10s%n", "GENERATION", "BACKUP", "LOGICAL", "NEW", "STORED");
            List<Generation> gens = a.generations();
            for (Generation g : gens) {
                out.writer().printf("  %-32s %-34s %10s %10s %10s%n", g.id(), g.backupId(), Sizes.human(g.logicalBytes()),
                        Sizes.human(g.newBytes()), Sizes.human(g.storedBytes()));
            }
            var s = a.stats();
            out.say("%d generations, %s of backups stored in %s (%.1fx)", s.generations(), Sizes.human(s.logicalBytes()),
                    Sizes.human(s.storedBytes()), s.reduction());
            List<String> expected = cycles.stream().map(cy -> cy.id).toList();
            List<String> stored = gens.stream().map(g -> g.backupId().toString()).toList();
            out.check(cycles.size() + " cycles, " + cycles.size() + " generations, one per backup", stored.equals(expected)
                    ? List.of() : List.of("generations " + stored + ", backups " + expected));
            VerifyReport r = a.verify(VerifyLevel.READ_DATA, OperationContext.builder(Path.of(System.getProperty(
                    "java.io.tmpdir"))).progress(ProgressListener.NONE).build());
            out.say("verify --read-data: %d generations checked, %s read, %d problems", r.generationsChecked(),
                    Sizes.human(r.bytesRead()), r.damages().size());
            out.check("the archive verifies byte by byte", r.damages().stream().map(Object::toString).toList());
        }
    }

    private void summary(DemoCluster c) throws Exception {
        for (String node : List.of(DemoCluster.LEADER, DemoCluster.PBS, "db1", "db2")) {
            JsonNode h = c.health(node);
            JsonNode imp = h.path("lastImport");
            out.say("%-7s %-11s epoch %s  health %-5s last import %s", node, h.path("role").asText(), h.path("epoch").asText(),
                    h.path("healthy").asBoolean() ? "OK" : "ERROR", imp.isObject() ? imp.path("backupId").asText() : "-");
            out.check(node + " is healthy", h.path("healthy").asBoolean() ? List.of()
                    : List.of(h.path("problems").toString()));
        }
    }
}
