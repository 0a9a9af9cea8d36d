package org.resilient.core.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.resilient.api.NodeLayout;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.core.NodeStatus;
import org.resilient.api.NodeRole;

/**
 * The status of another node on a shared file system ({@code file:} peers), read from its directory without
 * changing anything in it: its inbox is not read (that is its own business), nothing is written.
 */
public final class PeerStatus {
    private PeerStatus() {
    }

    /**
     * Reads a node's status from its directory.
     *
     * @param nodeDir the peer's node directory
     * @param clock the clock ages are measured with
     * @return the status, or empty if the directory holds no node (or one too old to describe itself)
     */
    public static Optional<NodeStatus> read(Path nodeDir, Clock clock) {
        NodeLayout layout = new NodeLayout(nodeDir);
        if (!Files.isDirectory(layout.state())) {
            return Optional.empty();
        }
        NodeState state = new NodeState(layout);
        Map<String, String> identity = state.identity();
        if (identity.get("node.name") == null || identity.get("node.role") == null) {
            return Optional.empty();
        }
        Map<String, String> values = new java.util.HashMap<>(identity);
        values.put("node.dir", nodeDir.toAbsolutePath().toString());
        NodeSettings config = new NodeSettings(Settings.of(values));
        // Only read: no transport, component or registry; no pause or randomness (nothing is scheduled).
        NodeContext ctx = new NodeContext(config, layout, state, null, null, null, clock, ProgressListener.NONE,
                org.resilient.core.schedule.Pause.SLEEP, () -> 0.0, null);
        NodeRole role = state.role().orElse(config.role());
        return Optional.of(StatusReport.of(ctx, role, new JobQueue(layout.state().resolve("queue"))));
    }
}
