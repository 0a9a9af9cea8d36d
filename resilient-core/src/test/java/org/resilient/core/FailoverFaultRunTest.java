package org.resilient.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;

/**
 * A randomized fault run: 200 trials, each one fault (a crash, a pause, a restart of a stopped node, lost messages, a
 * node cut off from the coordinator, an export asked of whoever thinks it leads) followed by a few rounds, on four
 * clusters of a leader, a pull-backup node and two import nodes with the embedded coordinator, every node driven
 * round by round on a manual clock. The seed is fixed, so a failure is replayed exactly. After every trial: no two
 * live nodes may export at the same time (both holding a valid lease), no two nodes' backups were accepted in one
 * epoch, and no backup of an older epoch was stored after one of a newer epoch.
 */
class FailoverFaultRunTest {
    private static final long SEED = 20261203L;
    private static final String[] NODES = {"db0", "db1", "db2", "pbs1"};

    @TempDir
    Path dir;

    @Test
    @DisplayName("200 random faults: never two exporters in one epoch, never an older epoch stored after a newer one")
    void faultRun() {
        Random random = new Random(SEED);
        int trials = 0;
        int takeovers = 0;
        for (int run = 0; run < 4; run++) {
            try (FailoverCluster c = new FailoverCluster(dir.resolve("run" + run), 2)) {
                c.run(java.time.Duration.ofSeconds(3));
                c.cycle("db0", "r" + run);
                for (int i = 0; i < 50; i++, trials++) {
                    String fault = fault(c, random);
                    int rounds = 1 + random.nextInt(8);
                    for (int r = 0; r < rounds; r++) {
                        c.step();
                        check(c, "trial " + trials + " (" + fault + "), round " + r);
                    }
                }
                for (String n : NODES) {
                    c.resume(n); // end with everyone up: the cluster must settle on one leader
                    c.member(n).coordinator.cut(false);
                }
                c.runUntil("one leader", () -> c.leaders().size() == 1, 60);
                takeovers += (int) c.node(c.leaders().get(0)).epoch().value();
                c.assertFenced();
            }
        }
        if (takeovers == 0) {
            throw new AssertionError("the run never failed over: the faults tested nothing");
        }
    }

    private static String fault(FailoverCluster c, Random random) {
        String n = NODES[random.nextInt(NODES.length)];
        switch (random.nextInt(6)) {
            case 0 -> {
                c.crash(n);
                return "crash " + n;
            }
            case 1 -> {
                c.pause(n);
                return "pause " + n;
            }
            case 2 -> {
                if (!c.alive(n)) {
                    c.start(n);
                    return "restart " + n;
                }
                c.resume(n);
                return "resume " + n;
            }
            case 3 -> {
                dropMessages(c, n);
                return "messages to " + n + " lost";
            }
            case 4 -> {
                boolean cut = random.nextBoolean();
                c.member(n).coordinator.cut(cut);
                return (cut ? "cut " : "reconnect ") + n;
            }
            default -> {
                for (String l : c.leaders()) {
                    try {
                        c.write(l, "x" + random.nextInt());
                        c.node(l).exportNow();
                    } catch (ResilienceException e) {
                        // a leader without its lease refuses: what the run checks is that it never exports then
                    }
                }
                return "export";
            }
        }
    }

    /** Deletes the messages waiting in a node's inbox, as if the network lost them. */
    private static void dropMessages(FailoverCluster c, String node) {
        Path inbox = c.dir.resolve("nodes").resolve(node).resolve("inbox");
        if (!Files.isDirectory(inbox)) {
            return;
        }
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(FailoverCluster c, String when) {
        List<String> exporting = new ArrayList<>();
        Epoch epoch = null;
        for (String n : NODES) {
            FailoverCluster.Member m = c.member(n);
            if (c.alive(n) && m.node.role() == NodeRole.EXPORT && m.failover.mayExport()) {
                exporting.add(n + " (epoch " + m.node.epoch() + ")");
                epoch = m.node.epoch();
            }
        }
        if (exporting.size() > 1) {
            throw new AssertionError(when + ": two nodes may export at once: " + exporting + c.describe());
        }
        try {
            c.assertFenced();
        } catch (AssertionError e) {
            throw new AssertionError(when + ": " + e.getMessage() + (epoch == null ? "" : "; exporter now in " + epoch), e);
        }
    }
}
