package org.resilient.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.Generation;
import org.resilient.api.NodeRole;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.core.archive.copy.CopyArchiveProvider;
import org.resilient.core.failover.Failover;
import org.resilient.testkit.ManualClock;

/**
 * A cluster of real nodes in one JVM for failover scenarios: a leader {@code db0}, a pull-backup node
 * {@code pbs1} (pushing to every component node; it skips the leader), import nodes {@code db1..}, the
 * {@code files} component (counting promotions and demotions), the {@code file:} transport, the copy archive and
 * the {@code embedded} coordinator in a shared directory. Nothing runs by itself: {@link #step} moves the manual
 * clock and runs one round of every live node's work loop (with its failover round) on the test's thread, so
 * every scenario is the same at every run. A node can crash (it stops, its membership and lease expire), pause
 * and resume, or restart.
 */
final class FailoverCluster implements AutoCloseable {
    /** One round a second, as a node polls by default. */
    static final Duration ROUND = Duration.ofSeconds(1);

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
    final Path dir;
    private final Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final List<Failover> toClose = new ArrayList<>();

    /** A running node: the node, its failover and its work loop. */
    static final class Member {
        final ResilientNode node;
        final Failover failover;
        final CuttableCoordinator coordinator;
        final NodeRunner runner;
        boolean alive = true;
        /** Its work loop is busy on another thread (an import held by the test): only heartbeats run. */
        boolean busy;
        /** Cut off from the network: from its coordinator, and every message sent to it is lost. */
        boolean partitioned;

        Member(ResilientNode node, Failover failover, CuttableCoordinator coordinator) {
            this.node = node;
            this.failover = failover;
            this.coordinator = coordinator;
            this.runner = new NodeRunner(node.node(), Cancellation.create(), ROUND, failover);
        }
    }

    FailoverCluster(Path dir, int imports) {
        this.dir = dir;
        List<String> componentNodes = new ArrayList<>(List.of("db0"));
        for (int i = 1; i <= imports; i++) {
            componentNodes.add("db" + i);
        }
        String pbs = uri("pbs1").toString();
        for (String n : componentNodes) {
            Map<String, String> s = common(n, n.equals("db0") ? NodeRole.EXPORT : NodeRole.IMPORT);
            s.put("node.component", "watched-files");
            s.put("files.source", live(n).toString());
            s.put("files.target", live(n).toString());
            s.put("export.notify", pbs);
            configs.put(n, s);
        }
        Map<String, String> p = common("pbs1", NodeRole.PULL_BACKUP);
        p.put("pbs.source", uri("db0").toString());
        p.put("pbs.targets", String.join(",", componentNodes.stream().map(n -> uri(n).toString()).toList()));
        p.put("pbs.archive", "copy:" + dir.resolve("archive"));
        configs.put("pbs1", p);
        try {
            Files.createDirectories(live("db0"));
            Files.writeString(live("db0").resolve("data.txt"), "v0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        configs.keySet().forEach(this::start);
    }

    private Map<String, String> common(String name, NodeRole role) {
        Map<String, String> s = new HashMap<>();
        s.put("node.name", name);
        s.put("node.role", role.configName());
        s.put("node.dir", dir.resolve("nodes").resolve(name).toString());
        s.put("node.coordinator", "embedded");
        s.put("embedded.dir", dir.resolve("coordination").toString());
        s.put("export.interval", "60m");
        s.put("export.jitter", "0s");
        s.put("export.retries", "0");
        s.put("node.retry-delay", "5s");
        return s;
    }

    URI uri(String node) {
        return dir.resolve("nodes").resolve(node).toUri();
    }

    /** The component's live copy (files.source = files.target) of a node. */
    Path live(String node) {
        return dir.resolve("live").resolve(node);
    }

    /** Starts (or restarts) a node from its config, with a failover of its own on the shared directory. */
    Member start(String name) {
        Map<String, String> config = configs.get(name);
        Resilient.Builder b = Resilient.node(name, NodeRole.parse(config.get("node.role"))).clock(clock)
                .environment(Map.of()).random(() -> 0.5);
        config.forEach(b::set);
        ResilientNode n = b.build();
        CuttableCoordinator c = new CuttableCoordinator(n.node().coordinatorProvider().orElseThrow()
                .open(n.settings(), clock));
        Failover f = Failover.of(n.node(), c, "embedded");
        toClose.add(f);
        Member m = new Member(n, f, c);
        members.put(name, m);
        return m;
    }

    /** @return the settings a node starts with */
    Map<String, String> config(String name) {
        return Map.copyOf(configs.get(name));
    }

    Member member(String name) {
        return members.get(name);
    }

    ResilientNode node(String name) {
        return members.get(name).node;
    }

    /** The node stops at once, as on kill -9: no lease released, no membership removed (both expire). */
    void crash(String name) {
        members.get(name).alive = false;
    }

    /** The node stops running (as under SIGSTOP) until {@link #resume}. */
    void pause(String name) {
        members.get(name).alive = false;
    }

    void resume(String name) {
        members.get(name).alive = true;
    }

    /**
     * Cuts a node off from the network, or ends it: its coordinator cannot be reached and every message sent to it
     * meanwhile is lost (what it sends still arrives: the receivers' epoch check is what must refuse it).
     */
    void partition(String name, boolean cut) {
        Member m = members.get(name);
        m.partitioned = cut;
        m.coordinator.cut(cut);
    }

    /** Deletes the messages waiting in a node's inbox, as if the network lost them. */
    void dropInbox(String node) {
        Path inbox = dir.resolve("nodes").resolve(node).resolve("inbox");
        if (!Files.isDirectory(inbox)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(inbox)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean alive(String name) {
        return members.get(name).alive;
    }

    /** Moves the clock one round and runs a round of every live node, in name order. */
    void step() {
        clock.advance(ROUND);
        for (Map.Entry<String, Member> e : members.entrySet()) {
            Member m = e.getValue();
            if (m.alive && m.partitioned) {
                dropInbox(e.getKey());
            }
            if (m.alive && m.busy) {
                m.failover.heartbeat();
            } else if (m.alive) {
                m.runner.round();
            }
        }
    }

    /** Runs rounds for a while. */
    void run(Duration d) {
        for (long i = 0; i < d.dividedBy(ROUND); i++) {
            step();
        }
    }

    /**
     * Runs rounds until a condition holds, at most a number of them.
     *
     * @return the rounds run
     * @throws AssertionError if the condition never held
     */
    int runUntil(String what, BooleanSupplier done, int maxRounds) {
        for (int i = 0; i < maxRounds; i++) {
            if (done.getAsBoolean()) {
                return i;
            }
            step();
        }
        if (done.getAsBoolean()) {
            return maxRounds;
        }
        throw new AssertionError("after " + maxRounds + " rounds: not " + what + "; " + describe());
    }

    /** Writes the leader's live data. */
    void write(String node, String value) {
        try {
            Files.writeString(live(node).resolve("data.txt"), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String node) {
        try {
            Path f = live(node).resolve("data.txt");
            return Files.exists(f) ? Files.readString(f) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exports now on a leader and runs rounds until every live import node imported it. */
    void cycle(String leader, String value) {
        cycle(leader, value, List.of());
    }

    /** Exports now on a leader and runs rounds until every live import node but some imported it. */
    void cycle(String leader, String value, List<String> except) {
        write(leader, value);
        node(leader).exportNow();
        runUntil("every live import node has " + value, () -> members.entrySet().stream()
                .filter(e -> e.getValue().alive && e.getValue().node.role() == NodeRole.IMPORT)
                .filter(e -> !except.contains(e.getKey()))
                .allMatch(e -> value.equals(read(e.getKey()))), 30);
    }

    /** @return the live nodes whose role is export now */
    List<String> leaders() {
        return members.entrySet().stream().filter(e -> e.getValue().alive)
                .filter(e -> e.getValue().node.role() == NodeRole.EXPORT).map(Map.Entry::getKey).toList();
    }

    /** @return what the pull-backup node archived, in the order it stored it */
    List<Generation> archived() {
        try (Archive a = new CopyArchiveProvider().open(URI.create("copy:" + dir.resolve("archive")), Settings.empty(),
                false)) {
            return a.generations();
        }
    }

    /**
     * Checks the fencing invariants on what the cluster accepted: one exporting node per epoch, and no backup of an
     * older epoch stored after one of a newer epoch.
     */
    void assertFenced() {
        Map<Epoch, String> exporterOf = new HashMap<>();
        Epoch newest = Epoch.INITIAL;
        for (Generation g : archived()) {
            String other = exporterOf.putIfAbsent(g.epoch(), g.sourceNode());
            if (other != null && !other.equals(g.sourceNode())) {
                throw new AssertionError("two exporters in epoch " + g.epoch() + ": " + other + " and " + g.sourceNode()
                        + "; archived: " + archived());
            }
            if (g.epoch().isOlderThan(newest)) {
                throw new AssertionError("backup " + g.backupId() + " of epoch " + g.epoch() + " stored after one of epoch "
                        + newest + "; archived: " + archived());
            }
            newest = g.epoch();
        }
    }

    String describe() {
        StringBuilder b = new StringBuilder();
        members.forEach((n, m) -> {
            NodeStatus s = m.node.status();
            b.append("\n  ").append(n).append(m.alive ? "" : " (down)").append(": ").append(s.role()).append(" epoch ")
                    .append(s.epoch()).append(", failover: ").append(s.failover());
        });
        return b.toString();
    }

    @Override
    public void close() {
        for (Failover f : toClose) {
            try {
                f.close();
            } catch (RuntimeException e) {
                // a crashed node's coordinator may be closed twice; nothing to keep
            }
        }
        members.values().forEach(m -> m.node.close());
    }
}
