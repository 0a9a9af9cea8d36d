package org.resilient.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.https.ClusterKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code resilient keys init|add NODE}: the key material of the https transport, made by
 * {@link ClusterKeys}. No password ever appears on the command line: they are random and written to
 * {@code .pass} files (mode 0600) next to the stores.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Make the cluster's keys for the https transport: a CA (init), then a key and certificate per "
                + "node (add).",
        subcommands = {KeysCommand.Init.class, KeysCommand.Add.class})
public final class KeysCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a subcommand is required: init or add");
    }

    /** What both subcommands have: their output. */
    abstract static class Subcommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    /** {@code resilient keys init}: the cluster CA and the trust store. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the cluster CA and the trust store (never overwrites an existing CA).")
    static final class Init extends Subcommand {
        @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = "keys",
                description = "the keys directory (default: ${DEFAULT-VALUE}); made with mode 0700")
        Path dir;

        @Override
        public Integer call() {
            ClusterKeys.init(dir);
            out().printf("cluster CA made in %s.%nKeep %s and its .pass file off the nodes;"
                    + " give every node %s and its .pass file.%nNext: resilient keys add -d %s https://HOST:PORT%n",
                    dir, ClusterKeys.CA_STORE, ClusterKeys.TRUST_STORE, dir);
            return 0;
        }
    }

    /** {@code resilient keys add NODE}: one node's key and certificate. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Make the key and certificate of NODE (https://host:port), signed by the cluster CA.")
    static final class Add extends Subcommand {
        @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = "keys",
                description = "the keys directory made by 'keys init' (default: ${DEFAULT-VALUE})")
        Path dir;
        @Option(names = "--replace", description = "replace the node's keys if it has some (rotation)")
        boolean replace;
        @Parameters(paramLabel = "NODE", description = "the node's name, https://host:port (its node.uri)")
        String node;

        @Override
        public Integer call() {
            URI uri;
            try {
                uri = new URI(node);
            } catch (URISyntaxException e) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "'" + node
                        + "' is not a node name; use https://host:port");
            }
            ClusterKeys.NodeKeys k = ClusterKeys.addNode(dir, uri, replace);
            out().printf("keys of %s written. Copy %s, %s, %s and %s to that node"
                    + " (mode 0600), and set in its config:%n%s", k.node(), k.keyStore().getFileName(),
                    k.keyStorePasswordFile().getFileName(), k.trustStore().getFileName(),
                    k.trustStorePasswordFile().getFileName(), k.settings());
            return 0;
        }
    }
}
