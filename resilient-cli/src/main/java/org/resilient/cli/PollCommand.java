package org.resilient.cli;

import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.NodeRole;
import org.resilient.core.ResilientNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Shared body of {@code pull} and {@code import}: read the inbox and run the pending job once (whatever its
 * backoff: it was asked for). On a node running as {@code resilient node}, the daemon does it and answers.
 */
abstract class PollCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    NodeOptions node;
    @Spec
    CommandSpec spec;

    abstract NodeRole role();

    @Override
    public Integer call() {
        java.util.OptionalInt viaDaemon = node.viaDaemon(spec, spec.name());
        if (viaDaemon.isPresent()) {
            return viaDaemon.getAsInt();
        }
        try (ResilientNode n = node.open()) {
            if (n.status().role() != role()) {
                throw new ResilienceException(ErrorCode.WRONG_STATE, "node " + n.status().name() + " has role "
                        + n.status().role() + "; '" + spec.name() + "' is for " + role() + " nodes");
            }
            Optional<BackupId> done = n.poll();
            spec.commandLine().getOut().println(done.map(id -> spec.name() + " done: " + id)
                    .orElse("nothing to do (no new backup announced)"));
            return 0;
        }
    }
}
