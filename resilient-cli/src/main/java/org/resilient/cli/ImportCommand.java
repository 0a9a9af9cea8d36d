package org.resilient.cli;

import org.resilient.api.NodeRole;
import picocli.CommandLine.Command;

/** {@code resilient import}: the import node's job. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"On an import node: read the inbox and import the newest delivered backup into the standby after "
                + "verifying it again. A failed import keeps the last good state.",
                "Exit status 0 only when the import succeeded (or there was nothing to import)."})
final class ImportCommand extends PollCommand {
    @Override
    NodeRole role() {
        return NodeRole.IMPORT;
    }
}
