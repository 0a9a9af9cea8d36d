package org.resilient.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.resilient.cli.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient demo}: a whole resilient cycle on the files component, in one process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run one export node, one pull-backup node and two import nodes of the 'files' component in a fresh "
                + "directory: three export cycles with changes, the archive's history, a byte-for-byte check of both "
                + "standbys, a takeover by the best standby, one more cycle from the new leader, and the old leader fenced.",
                "Exit status 0 only if every check passed."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the demo's nodes (default: a new temporary directory).")
    Path dir;
    @Option(names = "--size-mb", defaultValue = "16", description = "Size of the demo data in MiB (default ${DEFAULT-VALUE}).")
    int sizeMb;

    @Override
    public Integer call() throws Exception {
        return new Demo(spec.commandLine().getOut(), dir, sizeMb).run() ? 0 : 1;
    }
}
