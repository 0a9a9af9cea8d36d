package org.resilient.cli;

import java.nio.file.Path;
import org.resilient.api.Settings;
import org.resilient.core.config.ConfigLoader;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.resilient.api.NodeLayout;
import org.resilient.cli.daemon.ControlClient;
import org.resilient.cli.daemon.ControlProtocol;
import picocli.CommandLine.Model.CommandSpec;
import org.resilient.api.ResilienceException;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import picocli.CommandLine.Option;

/**
 * The {@code --config} option shared by the node commands, and opening the node it describes. The file is
 * loaded and checked by the same code as an embedded node's builder ({@link Resilient#open(Path)}).
 */
final class NodeOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:RESILIENT_CONFIG:-resilient.properties}",
            description = "The node's config file (properties with namespaced keys; RESILIENT_* variables override keys). "
                    + "Default: $RESILIENT_CONFIG or ./resilient.properties")
    Path config;

    private Settings settings;

    /**
     * Reads the config file and environment and opens the node.
     *
     * @return the node
     * @throws ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    ResilientNode open() {
        return Resilient.open(settings(), "config file " + config);
    }

    /**
     * Asks the node's daemon ({@code resilient node}) to run a command, if one runs: it does the work between its
     * own steps instead of this process fighting it for the node lock.
     *
     * @param spec the command, for its output streams
     * @param request the command and its arguments, as the daemon takes them
     * @return the daemon's exit status, or empty if no daemon runs (then the command does the work itself)
     */
    OptionalInt viaDaemon(CommandSpec spec, String... request) {
        Optional<Path> dir = settings().get("node.dir").filter(v -> !v.isBlank()).map(Path::of);
        if (dir.isEmpty()) {
            return OptionalInt.empty(); // opening the node reports the missing key with every other problem
        }
        Path socket = new NodeLayout(dir.get()).state().resolve(ControlProtocol.SOCKET);
        return ControlClient.forward(socket, List.of(request), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * The merged settings of the config file and the environment (read once).
     *
     * @return the settings
     */
    Settings settings() {
        if (settings == null) {
            settings = load();
        }
        return settings;
    }

    private Settings load() {
        return ConfigLoader.read(config);
    }
}
