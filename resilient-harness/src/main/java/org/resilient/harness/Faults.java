package org.resilient.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.api.Progress;
import org.resilient.api.ProgressListener;
import org.resilient.testkit.ManualClock;
import org.resilient.testkit.memory.MemoryNetwork;
import org.resilient.testkit.memory.MemoryNode;

/**
 * The faults of a {@link Cluster}'s network, injected by a test: messages to a node dropped, delayed, duplicated,
 * reordered or corrupted, and nodes partitioned from each other (messages, pulls and pushes across the cut fail as
 * unreachable). Every choice left to chance (which byte is corrupted, which message a random drop takes) comes from
 * one {@link Random} seeded by the cluster, and every fault that struck is written to {@link #events()}: the same
 * seed and the same scenario give the same events.
 *
 * <p>Message faults act on the way into the receiving node's inbox; a count says how many of the next messages to
 * that node are struck ({@link Integer#MAX_VALUE}: all, until {@link #heal()}).
 */
public final class Faults {
    private final String prefix;
    private final ManualClock clock;
    private final Random random;
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final Map<String, CrashPoint> crashPoints = new ConcurrentHashMap<>();
    private volatile Set<String> partitioned = Set.of();

    private enum Kind { DROP, DROP_RANDOMLY, DUPLICATE, CORRUPT, DELAY, REORDER }

    private record Rule(Kind kind, int remaining, double probability, Duration delay) {
    }

    private record CrashPoint(String phase, int remaining) {
    }

    private record Held(String from, byte[] bytes, Instant due) {
    }

    Faults(String prefix, ManualClock clock, long seed) {
        this.prefix = prefix;
        this.clock = clock;
        this.random = new Random(seed);
    }

    /** Puts the hooks on a node's network endpoint; called when the node is built and when it restarts. */
    void install(String node) {
        MemoryNode n = MemoryNetwork.node(prefix + node);
        n.onMessage((from, bytes) -> arrive(node, nameOf(from), bytes));
        n.reachableFrom(from -> reachable(nameOf(from), node));
    }

    private String nameOf(String memNodeName) {
        return memNodeName.startsWith(prefix) ? memNodeName.substring(prefix.length()) : memNodeName;
    }

    /** Puts a held message into a node's inbox; lost if the node is down meanwhile, as with a crashed host. */
    private void deliver(String to, byte[] bytes) {
        MemoryNetwork.find(prefix + to).ifPresent(n -> n.deliver(bytes));
    }

    /**
     * Drops the next {@code count} messages to a node.
     *
     * @param to the receiving node
     * @param count how many
     * @return this
     */
    public Faults drop(String to, int count) {
        return rule(to, new Rule(Kind.DROP, count, 1, null));
    }

    /**
     * Drops each message to a node with a probability, drawn from the cluster's seeded random, until healed.
     *
     * @param to the receiving node
     * @param probability from 0 to 1
     * @return this
     */
    public Faults dropRandomly(String to, double probability) {
        return rule(to, new Rule(Kind.DROP_RANDOMLY, Integer.MAX_VALUE, probability, null));
    }

    /**
     * Delivers the next {@code count} messages to a node twice.
     *
     * @param to the receiving node
     * @param count how many
     * @return this
     */
    public Faults duplicate(String to, int count) {
        return rule(to, new Rule(Kind.DUPLICATE, count, 1, null));
    }

    /**
     * Flips one bit, at a seeded random place, in each of the next {@code count} messages to a node.
     *
     * @param to the receiving node
     * @param count how many
     * @return this
     */
    public Faults corrupt(String to, int count) {
        return rule(to, new Rule(Kind.CORRUPT, count, 1, null));
    }

    /**
     * Holds the messages to a node until the cluster's clock has moved on by {@code delay}
     * ({@link Cluster#advance(Duration)}), until healed.
     *
     * @param to the receiving node
     * @param delay how long each message is held
     * @return this
     */
    public Faults delay(String to, Duration delay) {
        return rule(to, new Rule(Kind.DELAY, Integer.MAX_VALUE, 1, delay));
    }

    /**
     * Holds the messages to a node and delivers them newest first once the cluster has no other work
     * ({@link Cluster#settle()}), until healed.
     *
     * @param to the receiving node
     * @return this
     */
    public Faults reorder(String to) {
        return rule(to, new Rule(Kind.REORDER, Integer.MAX_VALUE, 1, null));
    }

    /**
     * Cuts the network in two: the given nodes on one side, all others on the other.
     *
     * @param side the nodes of one side
     * @return this
     */
    public Faults partition(Collection<String> side) {
        partitioned = Set.copyOf(side);
        event("partition " + new java.util.TreeSet<>(side) + " | the rest");
        return this;
    }

    /**
     * Crashes a node in the middle of a step: at its {@code nth} progress report of a phase, the node's thread stops
     * there ({@link NodeCrash}) and the cluster takes the node down, leaving its directory as the crash left it.
     * Phases are what the component and the node report: the {@code memory} component's export reports
     * {@code dump} and its import {@code load}; the node reports {@code hash} while sealing or verifying a backup.
     *
     * @param node the node
     * @param phase the phase of its progress reports
     * @param nth at which report of that phase (1: the first)
     * @return this
     */
    public synchronized Faults crashAt(String node, String phase, int nth) {
        if (nth < 1) {
            throw new IllegalArgumentException("nth counts from 1, was " + nth);
        }
        crashPoints.put(node, new CrashPoint(phase, nth));
        return this;
    }

    /** The progress listener of a node: where its armed crash point strikes. */
    ProgressListener progress(String node) {
        return p -> crashIfArmed(node, p);
    }

    private void crashIfArmed(String node, Progress p) {
        synchronized (this) {
            CrashPoint c = crashPoints.get(node);
            if (c == null || !c.phase().equals(p.phase())) {
                return;
            }
            if (c.remaining() > 1) {
                crashPoints.put(node, new CrashPoint(c.phase(), c.remaining() - 1));
                return;
            }
            crashPoints.remove(node);
            event("crash " + node + " at " + p.phase() + " " + p.done() + "/" + p.total() + " " + p.unit());
        }
        throw new NodeCrash(node, "at " + p.phase() + " " + p.done() + "/" + p.total() + " " + p.unit());
    }

    /** Ends every fault: rules removed, the partition healed, held messages delivered in the order sent. */
    public synchronized void heal() {
        rules.clear();
        crashPoints.clear();
        partitioned = Set.of();
        for (String to : List.copyOf(held.keySet())) {
            take(to).forEach(m -> deliver(to, m.bytes()));
        }
        event("heal");
    }

    /**
     * What struck, in order: {@code "corrupt db0 -> db1-pbs at byte 17"}.
     *
     * @return the events so far
     */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    private Faults rule(String to, Rule rule) {
        rules.put(to, rule);
        return this;
    }

    private boolean reachable(String from, String to) {
        Set<String> p = partitioned;
        return p.isEmpty() || p.contains(from) == p.contains(to);
    }

    private synchronized List<byte[]> arrive(String to, String from, byte[] bytes) {
        Rule r = rules.get(to);
        if (r == null) {
            return List.of(bytes);
        }
        if (r.remaining() != Integer.MAX_VALUE) {
            if (r.remaining() <= 1) {
                rules.remove(to);
            } else {
                rules.put(to, new Rule(r.kind(), r.remaining() - 1, r.probability(), r.delay()));
            }
        }
        String link = from + " -> " + to;
        switch (r.kind()) {
            case DROP:
                event("drop " + link);
                return List.of();
            case DROP_RANDOMLY:
                if (random.nextDouble() < r.probability()) {
                    event("drop " + link);
                    return List.of();
                }
                return List.of(bytes);
            case DUPLICATE:
                event("duplicate " + link);
                return List.of(bytes, bytes.clone());
            case CORRUPT:
                int at = random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                event("corrupt " + link + " at byte " + at);
                return List.of(bytes);
            case DELAY:
                held.computeIfAbsent(to, k -> new ArrayList<>()).add(new Held(from, bytes, clock.instant().plus(r.delay())));
                event("delay " + link + " by " + r.delay());
                return List.of();
            case REORDER:
            default:
                held.computeIfAbsent(to, k -> new ArrayList<>()).add(new Held(from, bytes, null));
                event("hold " + link + " for reordering");
                return List.of();
        }
    }

    /**
     * Delivers the held messages that are due: delayed ones whose time came, and, when {@code idle}, the ones held
     * for reordering, newest first.
     *
     * @param idle whether the cluster has no other work
     * @return how many were delivered
     */
    synchronized int release(boolean idle) {
        int n = 0;
        for (String to : new ArrayList<>(held.keySet())) {
            List<Held> due = new ArrayList<>();
            List<Held> reordered = new ArrayList<>();
            for (Held h : held.get(to)) {
                if (h.due() != null && !h.due().isAfter(clock.instant())) {
                    due.add(h);
                } else if (h.due() == null && idle) {
                    reordered.add(0, h);
                }
            }
            held.get(to).removeAll(due);
            held.get(to).removeAll(reordered);
            due.addAll(reordered);
            for (Held h : due) {
                deliver(to, h.bytes());
                event("deliver held " + h.from() + " -> " + to);
                n++;
            }
        }
        return n;
    }

    private synchronized List<Held> take(String to) {
        List<Held> h = held.remove(to);
        return h == null ? List.of() : h;
    }

    private synchronized void event(String e) {
        events.add(e);
    }
}
