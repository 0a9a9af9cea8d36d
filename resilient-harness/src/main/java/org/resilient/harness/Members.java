package org.resilient.harness;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.ManualLoop;
import org.resilient.core.ResilientNode;
import org.resilient.core.Takeover;

/**
 * The running nodes of a {@link Cluster} and how their work is run: each node's steps on the test's thread, a
 * {@link NodeCrash} taking the node down, and a crashed node's failover left as a dead process leaves it (its
 * lease and membership expire; nothing is released).
 */
final class Members {
    private static final int MAX_ROUNDS = 50;
    final Map<String, ResilientNode> nodes = new LinkedHashMap<>();
    final Map<String, ManualLoop> loops = new LinkedHashMap<>();
    final Set<String> paused = new HashSet<>();
    /** The loops of crashed nodes: closed only with the cluster (a crash releases no lease). */
    private final List<ManualLoop> abandoned = new ArrayList<>();
    private final boolean automaticFailover;
    private final Consumer<String> offNetwork;

    Members(boolean automaticFailover, Consumer<String> offNetwork) {
        this.automaticFailover = automaticFailover;
        this.offNetwork = offNetwork;
    }

    void add(String name, ResilientNode node) {
        nodes.put(name, node);
        loops.put(name, ManualLoop.of(node));
    }

    /**
     * Runs one node's step; a {@link NodeCrash} in it takes the node down.
     *
     * @return the step's result, or null if the node crashed
     */
    <T> T step(String name, Supplier<T> work) {
        try {
            return work.get();
        } catch (NodeCrash crash) {
            down(name);
            return null;
        }
    }

    /** Takes a node down at once: its loop is abandoned, the node closed (as the OS closes a dead process's files). */
    void down(String name) {
        ResilientNode n = nodes.remove(name);
        abandoned.add(loops.remove(name));
        paused.remove(name);
        n.close();
        offNetwork.accept(name);
    }

    /**
     * One round of the nodes' work, in order: every node's failover round (with automatic failover), then every
     * node's inbox and pending job.
     *
     * @return how many jobs ran
     * @throws org.resilient.api.ResilienceException the first failure of a job
     */
    int round(List<String> order) {
        for (String name : automaticFailover ? order : List.<String>of()) {
            step(name, () -> {
                loops.get(name).failoverRound();
                return null;
            });
        }
        int ran = 0;
        for (String name : order) {
            if (nodes.containsKey(name) && Boolean.TRUE.equals(step(name, () -> nodes.get(name).poll().isPresent()))) {
                ran++;
            }
        }
        return ran;
    }

    /**
     * Runs rounds until all is idle: pull-backup nodes first, then the others; held messages are delivered when due
     * (delayed ones) or when nothing else is left to do (reordered ones).
     *
     * @return how many jobs ran
     */
    int settle(Faults faults, Supplier<List<String>> pullBackupNodes) {
        int total = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int ran = faults.release(false);
            List<String> order = new ArrayList<>(pullBackupNodes.get());
            order.addAll(nodes.keySet().stream().filter(n -> !order.contains(n)).toList());
            order.removeAll(paused);
            ran += round(order);
            total += ran;
            if (ran == 0 && idle(order) && faults.release(true) == 0) {
                return total;
            }
        }
        throw new ResilienceException(ErrorCode.INTERNAL, "cluster did not settle in " + MAX_ROUNDS + " rounds");
    }

    /** The manual takeover: promotes the import with the newest good import in a new epoch, telling every node. */
    ResilientNode promoteBest(List<String> imports) {
        ResilientNode winner = Takeover.choose(imports.stream().map(nodes::get).toList()).orElseThrow(() ->
                new ResilienceException(ErrorCode.WRONG_STATE, "no import node has imported a backup; nothing to promote"));
        Takeover.promote(winner, List.copyOf(nodes.values()), nodes.values().stream().map(ResilientNode::uri).toList());
        return winner;
    }

    /** @return true if none of these nodes that still runs has a pending job */
    boolean idle(List<String> order) {
        return order.stream().filter(nodes::containsKey).allMatch(n -> nodes.get(n).status().pending() == null);
    }

    /** @return the running, unpaused node that leads (holding the lease, with automatic failover) */
    Optional<ResilientNode> leading() {
        return loops.entrySet().stream().filter(e -> !paused.contains(e.getKey()) && e.getValue().leads())
                .map(e -> nodes.get(e.getKey())).findFirst();
    }

    /** @return each running node's role, epoch and what its failover sees, one per line */
    String describe() {
        StringBuilder seen = new StringBuilder();
        nodes.forEach((n, node) -> seen.append("\n  ").append(n).append(": ").append(node.role()).append(" in epoch ")
                .append(node.epoch()).append(node.status().failover() == null ? "" : "; " + node.status().failover().summary()));
        return seen.toString();
    }

    /** Closes every loop and node, the crashed ones' too. */
    void closeAll() {
        List<AutoCloseable> all = new ArrayList<>(loops.values());
        all.addAll(nodes.values());
        all.addAll(abandoned);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Close the others anyway.
            }
        }
        loops.clear();
        nodes.clear();
    }
}
