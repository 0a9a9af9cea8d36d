package org.resilient.cli.archive;

import picocli.CommandLine.Command;

/** {@code resilient archive ...}: work with the historical archive of a pull-backup node. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Work with a historical archive: init, store, list, restore, verify, repair, prune, stats.",
        subcommands = {InitCommand.class, StoreCommand.class, ListCommand.class, RestoreCommand.class,
            VerifyCommand.class, RepairCommand.class, PruneCommand.class, StatsCommand.class})
public final class ArchiveCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a subcommand is required: init, store, list, restore, verify, repair, prune or stats");
    }
}
