package org.resilient.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.ResilienceException;
import org.resilient.testkit.TestBackups;

/**
 * The same seed gives the same run: a scenario with random and scheduled faults (random drops, corruption,
 * a duplicate, a delay, a crash in the middle of an import, a partition), run 50 times, gives the same trace every
 * time: every fault that struck, every step's outcome (the backup exported, or the failure's code and message), and
 * every node's data, role and epoch after each step.
 */
@DisplayName("A seeded scenario with faults")
class DeterminismTest {
    private static final int RUNS = 50;

    /** One run, as the ordered list of what happened. */
    static List<String> trace(long seed) {
        List<String> trace = new ArrayList<>();
        Path root = scratch();
        try (Cluster c = Cluster.builder("db", 2).seed(seed).root(root).build()) {
            String id = c.uri("db0").getSchemeSpecificPart().replaceAll("-db0$", ""); // cluster-<random>
            for (int i = 0; i < 20; i++) {
                c.store("db0").put("key-" + i, "a" + i);
            }
            step(trace, c, id, "first cycle", () -> c.cycle().value());
            c.faults().dropRandomly("db1-pbs", 0.5);
            for (int round = 0; round < 3; round++) {
                c.store("db0").put("key-" + round, "b" + round);
                step(trace, c, id, "cycle with random drops " + round, () -> c.cycle().value());
            }
            c.faults().heal();
            c.faults().corrupt("db1-pbs", 1);
            c.store("db0").put("key-4", "c");
            step(trace, c, id, "cycle with corruption", () -> c.cycle().value());
            c.faults().heal();
            c.faults().duplicate("db1-pbs", 1).crashAt("db1", "load", 1);
            c.store("db0").put("key-5", "c");
            step(trace, c, id, "cycle with a duplicate and a crash", () -> c.cycle().value());
            step(trace, c, id, "restart db1", () -> c.restart("db1").name());
            step(trace, c, id, "settle", () -> "ran " + c.settle());
            c.faults().delay("db1-pbs", Duration.ofSeconds(90));
            c.store("db0").put("key-7", "e");
            step(trace, c, id, "cycle with a delay", () -> c.cycle().value());
            step(trace, c, id, "two minutes later", () -> {
                c.advance(Duration.ofMinutes(2));
                return "ran " + c.settle();
            });
            c.faults().partition(List.of("db1", "db1-pbs"));
            c.store("db0").put("key-6", "d");
            step(trace, c, id, "cycle across a partition", () -> c.cycle().value());
            c.faults().heal();
            step(trace, c, id, "announce after healing", () -> {
                String latest = c.leader().announceLatest().value();
                c.settle();
                return latest;
            });
            trace.addAll(c.faults().events());
        } finally {
            TestBackups.makeWritable(root);
            deleteTree(root);
        }
        return trace;
    }

    /**
     * A directory for one run: in memory (/dev/shm) where there is one, as the runs sync every file they write and
     * fifty runs on a busy disk take minutes; the system's temporary directory otherwise.
     */
    private static Path scratch() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "resilient-determinism-")
                    : Files.createTempDirectory("resilient-determinism-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void step(List<String> trace, Cluster c, String clusterId, String what, Supplier<String> action) {
        String outcome;
        try {
            outcome = "ok " + action.get();
        } catch (ResilienceException e) {
            // Names of this run (its cluster id, its temporary directory) differ from run to run; nothing else may.
            outcome = "failed " + e.code() + ": " + e.getMessage().replace(clusterId, "<cluster>")
                    .replace(c.directory("db0").getParent().toString(), "<root>");
        }
        StringBuilder nodes = new StringBuilder();
        for (String n : c.nodeNames()) {
            nodes.append(' ').append(n).append('=').append(c.node(n).role()).append('/').append(c.node(n).epoch());
            if (!n.endsWith("-pbs")) {
                nodes.append('/').append(c.store(n).fingerprint());
            }
        }
        trace.add(what + ": " + outcome + " |" + nodes);
    }

    @Test
    @DisplayName("gives the same trace " + RUNS + " times in a row for the same seed, and another for another seed")
    void sameSeedSameTrace() {
        List<String> first = trace(7);
        assertTrue(first.stream().anyMatch(e -> e.startsWith("crash db1")), () -> "the crash point never struck: " + first);
        assertTrue(first.stream().anyMatch(e -> e.startsWith("drop ")), () -> "no random drop struck: " + first);
        for (int run = 2; run <= RUNS; run++) {
            List<String> again = trace(7);
            int r = run;
            int at = 0;
            while (at < Math.min(first.size(), again.size()) && first.get(at).equals(again.get(at))) {
                at++;
            }
            int differs = at;
            assertEquals(first, again, () -> "run " + r + " of seed 7 differs from the first at entry " + differs + ":\n  first: "
                    + (differs < first.size() ? first.get(differs) : "(ended)") + "\n  run " + r + ": "
                    + (differs < again.size() ? again.get(differs) : "(ended)"));
        }
        assertNotEquals(first, trace(8), "seed 8 gave the same faults as seed 7");
    }
}
