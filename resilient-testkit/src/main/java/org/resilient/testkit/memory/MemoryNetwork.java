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

    private MemoryNetwork() {
    }

    /**
     * The node of a name, created if needed.
     *
     * @param name the name
     * @return the node
     */
    public static MemoryNode node(String name) {
        return NODES.computeIfAbsent(checkName(name), MemoryNode::new);
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
