package org.resilient.cli.archive;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.resilient.api.Damage;
import org.resilient.api.RestoreOptions;
import org.resilient.api.spi.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resilient archive restore GEN TARGET}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a generation byte for byte into TARGET (which must not exist or be empty).",
                "Refuses damaged data naming what is damaged; --partial restores the rest and exits 3."})
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;
    @Parameters(index = "0", paramLabel = "GEN", description = "The generation id ('latest' for the newest).")
    String generation;
    @Parameters(index = "1", paramLabel = "TARGET", description = "The directory to restore into.")
    Path target;
    @Option(names = "--partial", description = "Restore the intact files of a damaged generation and list the damage.")
    boolean partial;

    @Override
    public Integer call() {
        try (Archive a = repo.open(false)) {
            String id = "latest".equals(generation) ? ListCommand.find(a.generations(), generation, repo.repo).id()
                    : generation;
            List<Damage> damage = a.restore(id, target, new RestoreOptions(partial),
                    RepoOptions.context(target, org.resilient.api.ProgressListener.NONE));
            damage.forEach(d -> repo.commandLine().getErr().println("damaged: " + d));
            repo.commandLine().getOut().println("restored " + id + " into " + target
                    + (damage.isEmpty() ? "" : " PARTIALLY: " + damage.size() + " damaged item(s) skipped"));
            return damage.isEmpty() ? 0 : org.resilient.api.ErrorCode.ARCHIVE_CORRUPT.exitStatus();
        }
    }
}
