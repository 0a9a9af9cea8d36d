package org.resilient.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.resilient.cli.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient demo}: whole resilient cycles on the files component, each node a separate process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run one export node, one pull-backup node and two import nodes of the 'files' component in a fresh "
                + "directory, each a separate 'resilient node' process talking https with mutual TLS on 127.0.0.1 (keys "
                + "made by the demo): three backup cycles with changes, each followed to both standbys (checked byte for "
                + "byte) and the archive, the archive's history verified byte by byte, then every node stopped.",
                "Needs no server; prints DEMO OK at the end, and its exit status is 0, only if every check passed."})
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
