package org.resilient.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.cli.daemon.ControlProtocol.Reply;
import org.resilient.cli.daemon.ControlServer;
import org.resilient.core.NodeStatus;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;

/**
 * What a running node answers on its control channel: the commands {@code export}, {@code pull}, {@code import}
 * and {@code status} run against the live node, with the output and exit status they have without a daemon.
 * The work runs on the node's own thread after its current step, so it never fights the schedule for the lock.
 */
final class NodeRequests implements ControlServer.Handler {
    /** How long a takeover asked through the control channel is followed. */
    private static final java.time.Duration TAKEOVER_WAIT = java.time.Duration.ofSeconds(60);
    private final ResilientNode node;

    NodeRequests(ResilientNode node) {
        this.node = node;
    }

    @Override
    public Reply handle(List<String> args) {
        String command = String.join(" ", args);
        try {
            return switch (command) {
                case "export" -> new Reply.Builder().out(await(node.requestExport()).value()).exit(0);
                case "export --announce-only" -> new Reply.Builder().out(await(node.requestAnnounce()).value()).exit(0);
                case "pull" -> poll("pull", NodeRole.PULL_BACKUP);
                case "import" -> poll("import", NodeRole.IMPORT);
                case "status" -> status(false);
                case "status --json" -> status(true);
                default -> args.size() > 0 && args.get(0).equals("takeover") ? takeover(args) : usage(command);
            };
        } catch (ResilienceException e) {
            return new Reply.Builder().err("error [" + e.code() + "]: " + e.getMessage()).exit(e.exitStatus());
        }
    }

    private static Reply usage(String command) {
        return new Reply.Builder().err("error [USAGE]: the running node does not take '" + command
                + "'; it takes export [--announce-only], pull, import, status [--json], takeover [--force] --by WHO").exit(2);
    }

    /**
     * A controlled takeover: asked on the node's thread, then followed until the node leads (or the wait ends: the
     * old leader releases its lease within a round, a dead one's lease expires within the coordinator's timeout).
     */
    private Reply takeover(List<String> args) {
        boolean force = args.contains("--force");
        int by = args.indexOf("--by");
        String who = by >= 0 && by + 1 < args.size() ? args.get(by + 1) : "?";
        String started = await(node.requestTakeover(force, who));
        long deadline = System.nanoTime() + TAKEOVER_WAIT.toNanos();
        while (node.role() != NodeRole.EXPORT && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100); // polling the node's role, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (node.role() != NodeRole.EXPORT) {
            return new Reply.Builder().out(started).err("error [TIMEOUT]: " + node.name() + " does not lead yet after "
                    + TAKEOVER_WAIT.toSeconds() + " s; 'resilient status' says what it waits for").exit(1);
        }
        return new Reply.Builder().out(started + "\n" + node.name() + " leads in epoch " + node.epoch()).exit(0);
    }

    private Reply poll(String name, NodeRole role) {
        if (node.role() != role) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "node " + node.name() + " has role " + node.role()
                    + "; '" + name + "' is for " + role + " nodes");
        }
        Optional<BackupId> done = await(node.requestPoll());
        return new Reply.Builder().out(done.map(id -> name + " done: " + id).orElse("nothing to do (no new backup announced)"))
                .exit(0);
    }

    private Reply status(boolean json) {
        StringWriter text = new StringWriter();
        Reply.Builder reply = new Reply.Builder();
        try {
            node.receive();
        } catch (ResilienceException e) {
            reply.err("warning: could not read the inbox, the status may be behind: " + e.getMessage());
        }
        NodeStatus s = node.status();
        StatusCommand.print(s, json, new PrintWriter(text, true));
        return reply.out(text.toString()).exit(s.healthy() ? 0 : 1);
    }

    private static <T> T await(CompletableFuture<T> work) {
        try {
            return work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ResilienceException re) {
                throw re;
            }
            throw new ResilienceException(ErrorCode.INTERNAL, "the running node failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "the running node is stopping");
        }
    }
}
