package org.resilient.harness;

/**
 * A node of a {@link Cluster} crashing in the middle of a step, at a point armed with {@link Faults#crashAt}. It is
 * an {@link Error} on purpose: none of the node's {@code catch} blocks (which clean up and record a failure) run, as
 * none would when the process dies; only its {@code finally} blocks do, which release what the operating system
 * would release for a dead process (file locks, open files). The cluster catches it, takes the node down as
 * {@link Cluster#crash} does, and lists the crash in {@link Faults#events()}; {@link Cluster#restart} brings the node
 * back from what it left on disk.
 */
public final class NodeCrash extends Error {
    private static final long serialVersionUID = 1L;
    private final String node;

    NodeCrash(String node, String where) {
        super("node " + node + " crashed " + where + " (a crash point armed by the test)", null, false, false);
        this.node = node;
    }

    /** @return the node that crashed */
    public String node() {
        return node;
    }
}
