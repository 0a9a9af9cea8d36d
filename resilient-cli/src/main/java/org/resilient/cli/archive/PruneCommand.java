package org.resilient.cli.archive;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.resilient.api.PruneResult;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resilient archive prune}. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Remove the generations the retention policy does not keep and reclaim their space. "
                + "The newest generation is always kept.")
final class PruneCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;
    @Option(names = "--keep-last", defaultValue = "1", description = "Keep this many newest generations (default ${DEFAULT-VALUE}).")
    int keepLast;
    @Option(names = "--keep-within", defaultValue = "14d", description = "Keep every generation younger than this (default ${DEFAULT-VALUE}).")
    String keepWithin;
    @Option(names = "--keep-daily", defaultValue = "0", description = "Keep the newest generation of this many days.")
    int keepDaily;
    @Option(names = "--keep-weekly", defaultValue = "0", description = "Keep the newest generation of this many weeks.")
    int keepWeekly;
    @Option(names = "--keep-monthly", defaultValue = "0", description = "Keep the newest generation of this many months.")
    int keepMonthly;

    @Override
    public Integer call() {
        Duration within;
        try {
            within = Settings.parseDuration(keepWithin);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(repo.commandLine(),
                    "--keep-within '" + keepWithin + "' is not a duration like 90s, 15m, 1h, 14d");
        }
        PruneResult r;
        try (Archive a = repo.open(false)) {
            r = a.prune(new RetentionPolicy(keepLast, within, keepDaily, keepWeekly, keepMonthly),
                    RepoOptions.context(java.nio.file.Path.of("."), org.resilient.api.ProgressListener.NONE));
        }
        var out = repo.commandLine().getOut();
        r.removed().forEach(id -> out.println("removed " + id));
        out.printf("kept %d generation(s), removed %d, reclaimed %s%n", r.kept().size(), r.removed().size(),
                Sizes.human(r.reclaimedBytes()));
        return 0;
    }
}
