package org.resilient.cli;

import java.nio.file.Path;
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

    /**
     * Reads the config file and environment and opens the node.
     *
     * @return the node
     * @throws ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    ResilientNode open() {
        return Resilient.open(config);
    }
}
