package org.resilient.cli.archive;

import java.util.concurrent.Callable;
import org.resilient.api.spi.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code resilient archive init}. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Create an empty archive (no-op if it exists).")
final class InitCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;

    @Override
    public Integer call() {
        try (Archive a = repo.open(true)) {
            repo.commandLine().getOut().println("archive " + repo.location() + " ready, " + a.generations().size() + " generation(s)");
        }
        return 0;
    }
}
