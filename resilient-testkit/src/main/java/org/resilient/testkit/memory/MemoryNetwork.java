package org.resilient.testkit.memory;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The process-wide registry of in-memory nodes. A node URI is {@code mem:<name>}; a node exists once a
 * transport was opened for it (or {@link #node(String)} was called) until {@link #remove(String)}.
 * Tests should use unique names (e.g. with a random suffix) and remove their nodes when done.
 */
public final class MemoryNetwork {
    /** The URI scheme of in-memory nodes. */
    public static final String SCHEME = "mem";
    private static final ConcurrentHashMap<String, MemoryNode> NODES = new ConcurrentHashMap<>();
    /** Why a node taken down by {@link #takeDown} is gone, so that a sender is told that, not "does not exist". */
    private static final ConcurrentHashMap<String, String> DOWN = new ConcurrentHashMap<>();

    private MemoryNetwork() {
    }

    /**
     * The node of a name, created if needed.
     *
     * @param name the name
     * @return the node
     */
    public static MemoryNode node(String name) {
        DOWN.remove(checkName(name));
        return NODES.computeIfAbsent(name, MemoryNode::new);
    }

    /**
     * The node of a name if it exists.
     *
     * @param name the name
     * @return the node
     */
    public static Optional<MemoryNode> find(String name) {
        return Optional.ofNullable(NODES.get(name));
    }

    /**
     * Removes a node with its backups and inbox; it becomes unreachable.
     *
     * @param name the name
     */
    public static void remove(String name) {
        NODES.remove(name);
        DOWN.remove(name);
    }

    /**
     * Removes a node as {@link #remove} does, and remembers why until it is created again, so that whoever tries to
     * reach it reads that reason (a test crashed or stopped it) instead of "does not exist".
     *
     * @param name the name
     * @param why why it is down and what brings it back, e.g. "crashed by the test; Cluster.restart brings it back"
     */
    public static void takeDown(String name, String why) {
        NODES.remove(checkName(name));
        DOWN.put(name, why);
    }

    /**
     * Why a node is down, if it was {@link #takeDown taken down} and not created again since.
     *
     * @param name the name
     * @return the reason given to {@link #takeDown}
     */
    public static Optional<String> whyDown(String name) {
        return Optional.ofNullable(DOWN.get(name));
    }

    /**
     * The URI of a node name.
     *
     * @param name the name
     * @return {@code mem:<name>}
     */
    public static URI uri(String name) {
        return URI.create(SCHEME + ":" + checkName(name));
    }

    /**
     * The node name of a {@code mem:} URI.
     *
     * @param uri the URI
     * @return the name
     * @throws ResilienceException {@code CONFIG_INVALID} for another scheme or an empty name
     */
    public static String name(URI uri) {
        if (!SCHEME.equals(uri.getScheme()) || uri.getSchemeSpecificPart() == null
                || uri.getSchemeSpecificPart().isBlank()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                    "'" + uri + "' is not an in-memory node URI; use mem:<name>");
        }
        return uri.getSchemeSpecificPart();
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "an in-memory node needs a non-empty name");
        }
        return name;
    }
}
