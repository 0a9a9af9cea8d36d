package org.resilient.cli;

import java.util.concurrent.Callable;
import org.resilient.cli.daemon.Daemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code resilient node}: run one node as a long-running process in the foreground. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Run this node in the foreground, whatever its role, until SIGTERM or Ctrl-C: read the inbox every "
                + "node.poll-interval and handle what arrives (pull-backup and import jobs, retried with backoff after a "
                + "failure); while leader, export on the schedule (export.interval or export.cron, with export.jitter), "
                + "recorded in state/ so that an export overdue at start runs at once.",
                "Logs to stderr and to log/node.log in the node directory (rolled by size and day). While it runs, "
                        + "'resilient export|pull|import|status -c FILE' ask it through state/control.sock. A stop "
                        + "cancels the running step cleanly (nothing partial stays) and exits 0."})
public class NodeCommand implements Callable<Integer> {
    @Mixin
    NodeOptions node;

    @Override
    public Integer call() throws InterruptedException {
        return Daemon.run(node.settings(), "config file " + node.config, NodeRequests::new);
    }
}
