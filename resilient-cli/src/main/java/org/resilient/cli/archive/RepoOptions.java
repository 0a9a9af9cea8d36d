package org.resilient.cli.archive;

import java.net.URI;
import java.nio.file.Path;
import org.resilient.api.OperationContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.core.registry.Registry;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --repo} option of the archive commands and opening the archive it names. */
final class RepoOptions {
    @Option(names = {"-r", "--repo"}, required = true, paramLabel = "REPO",
            description = "The archive: a directory (the deduplicating 'dir' archive) or a URI such as dir:/srv/archive "
                    + "or copy:/srv/full-copies.")
    String repo;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "An archive setting, e.g. archive.compression=none.")
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

    // The command this option group is mixed into: its output streams, for every archive command.
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** @return the command line of the archive command running, for its output streams and usage errors */
    CommandLine commandLine() {
        return command.commandLine();
    }

    URI location() {
        if (repo.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !repo.startsWith("/")) {
            return URI.create(repo);
        }
        return URI.create("dir:" + Path.of(repo).toAbsolutePath().normalize());
    }

    Archive open(boolean create) {
        URI location = location();
        return Registry.load().archive(location.getScheme()).open(location, Settings.of(settings), create);
    }

    static OperationContext context(Path dir, ProgressListener progress) {
        return OperationContext.builder(dir).progress(progress).loggerName("org.resilient.archive.cli").build();
    }
}
