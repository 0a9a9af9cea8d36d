package org.resilient.cli;

import picocli.CommandLine.Command;

/** {@code resilient promote}: the former name of {@code resilient takeover}, kept so that existing scripts work. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"The same as 'resilient takeover' (its former name): make this import node the leader; through"
                + " the running node and its coordinator when node.coordinator is set, by hand otherwise."})
final class PromoteCommand extends TakeoverCommand {
}
