package org.resilient.cli;

import picocli.CommandLine.Command;

/** {@code resilient run}: the former name of {@code resilient node}, kept so that existing scripts work. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "The same as 'resilient node' (its former name): run this node in the foreground until SIGTERM "
                + "or Ctrl-C.")
final class RunCommand extends NodeCommand {
}
