package org.resilient.cli.archive;

import java.util.concurrent.Callable;
import org.resilient.api.ArchiveStats;
import org.resilient.api.spi.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code resilient archive stats}. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Show the archive's sizes and deduplication.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;

    @Override
    public Integer call() {
        ArchiveStats s;
        try (Archive a = repo.open(false)) {
            s = a.stats();
        }
        repo.commandLine().getOut().printf("generations %d%nlogical     %s%nunique      %s%nstored      %s%nchunks      %d%n"
                + "reduction   %.1fx%n", s.generations(), Sizes.human(s.logicalBytes()), Sizes.human(s.uniqueBytes()),
                Sizes.human(s.storedBytes()), s.chunks(), s.reduction());
        return 0;
    }
}
