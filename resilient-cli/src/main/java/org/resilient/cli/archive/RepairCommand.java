package org.resilient.cli.archive;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.resilient.api.ErrorCode;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient archive repair --from DIR}. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Heal damaged or missing chunks from a directory that still has the data (a backup, or a "
                + "restore of another archive), without storing a generation.",
                "Reads every stored byte first; generations that stay damaged are listed (and marked in the archive); "
                + "exit status 3 when any is left."})
final class RepairCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;
    @Spec
    CommandSpec spec;
    @Option(names = "--from", required = true, paramLabel = "DIR",
            description = "A directory holding the data, e.g. a published backup of the damaged generation.")
    Path from;

    @Override
    public Integer call() {
        VerifyReport r;
        try (Archive a = repo.open(false)) {
            r = a.repair(StoreCommand.request(from), RepoOptions.context(from, org.resilient.api.ProgressListener.NONE));
        }
        var out = spec.commandLine().getOut();
        r.damages().forEach(d -> out.println("DAMAGED " + d));
        long unhealed = r.damages().stream().map(d -> d.generationId()).filter(java.util.Objects::nonNull).distinct()
                .count();
        out.printf("%s: %d generation(s) checked, %d still damaged, %d problem(s)%n", r.ok() ? "OK" : "DAMAGED",
                r.generationsChecked(), unhealed, r.damages().size());
        return r.ok() ? 0 : ErrorCode.ARCHIVE_CORRUPT.exitStatus();
    }
}
