package org.resilient.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.core.config.ConfigLoader;
import org.resilient.core.node.NodeSettings;
import org.resilient.core.registry.ProviderInfo;
import org.resilient.core.registry.Registry;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by the node commands, and opening the node it describes. */
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
        return Resilient.open(settings(), "config file " + config);
    }

    /**
     * The merged settings of the config file and the environment.
     *
     * @return the settings
     */
    Settings settings() {
        List<SettingSpec> declared = new ArrayList<>(NodeSettings.SPECS);
        Registry registry = Registry.load();
        for (ProviderInfo p : registry.all()) {
            if (p.error()) {
                continue;
            }
            switch (p.kind()) {
                case "component" -> declared.addAll(registry.component(p.name()).settings());
                case "transport" -> declared.addAll(registry.transport(p.name()).settings());
                default -> declared.addAll(registry.archive(p.name()).settings());
            }
        }
        return ConfigLoader.load(config, System.getenv(), declared);
    }
}
