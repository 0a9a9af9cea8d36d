package org.resilient.cli.archive;

import java.util.concurrent.Callable;
import org.resilient.api.ErrorCode;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resilient archive verify}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the archive: structure (fast), or every byte with --read-data.",
                "Damage is listed by generation, file and offset; exit status 3 when anything is damaged."})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;
    @Option(names = "--read-data", description = "Re-read and re-hash every stored byte.")
    boolean readData;

    @Override
    public Integer call() {
        VerifyReport r;
        try (Archive a = repo.open(false)) {
            r = a.verify(readData ? VerifyLevel.READ_DATA : VerifyLevel.STRUCTURE,
                    RepoOptions.context(java.nio.file.Path.of("."), org.resilient.api.ProgressListener.NONE));
        }
        var out = repo.commandLine().getOut();
        r.damages().forEach(d -> out.println("DAMAGED " + d));
        out.printf("%s: %d generation(s) checked, %s read, %d problem(s)%n", r.ok() ? "OK" : "DAMAGED",
                r.generationsChecked(), Sizes.human(r.bytesRead()), r.damages().size());
        return r.ok() ? 0 : ErrorCode.ARCHIVE_CORRUPT.exitStatus();
    }
}
