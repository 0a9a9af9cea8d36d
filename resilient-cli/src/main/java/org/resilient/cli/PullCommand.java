package org.resilient.cli;

import org.resilient.api.NodeRole;
import picocli.CommandLine.Command;

/** {@code resilient pull}: the pull-backup node's job. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"On a pull-backup node: read the inbox and handle the newest announced backup: pull it from the "
                + "export node, verify every file, store it in the archive, apply retention, push it to the import nodes "
                + "(pbs.targets) and tell them.", "Exit status 0 only when every step succeeded; a failed job is retried "
                + "by the next run."})
final class PullCommand extends PollCommand {
    @Override
    NodeRole role() {
        return NodeRole.PULL_BACKUP;
    }
}
