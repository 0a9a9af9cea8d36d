package org.resilient.core.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Need;
import org.resilient.api.Settings;
import org.resilient.api.spi.ArchiveProvider;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.CoordinatorProvider;
import org.resilient.api.spi.TransportProvider;
import org.resilient.api.NodeRole;
import org.resilient.core.node.NodeSettings;
import org.resilient.core.registry.Registry;

/**
 * The one way a node's configuration is loaded and checked, for a config file (the CLI) and for an embedded
 * node's builder alike: environment variables override keys, then the node's keys, its component's (with the
 * keys its role needs: {@code files.source} to export), its transport's and, on a pull-backup node, its
 * archive's are all checked, and every problem is reported at once.
 *
 * @param settings the checked settings, environment applied
 * @param node the node's typed settings
 * @param component the component provider
 * @param transport the transport provider of the node's URI
 * @param archive the archive provider of a pull-backup node, or null
 * @param coordinator the coordinator provider ({@code node.coordinator}), or null when failover is manual
 */
public record NodeConfig(Settings settings, NodeSettings node, ComponentProvider component,
                         TransportProvider transport, ArchiveProvider archive, CoordinatorProvider coordinator) {

    /**
     * Loads and checks.
     *
     * @param given the settings of the config file or the builder
     * @param environment the environment whose {@code RESILIENT_*} variables override keys
     * @param registry where the providers are found
     * @param where where the settings came from, for messages
     * @return the checked configuration
     * @throws ResilienceException {@code CONFIG_INVALID} listing every problem, or {@code UNKNOWN_PROVIDER} /
     *     {@code DUPLICATE_PROVIDER} when that is the only problem
     */
    public static NodeConfig load(Settings given, Map<String, String> environment, Registry registry, String where) {
        Settings settings = ConfigLoader.withEnvironment(given, environment, registry.allSettings());
        List<String> problems = new ArrayList<>();
        List<SettingSpec> declared = new ArrayList<>(NodeSettings.SPECS);
        List<String> unresolved = new ArrayList<>();
        List<ResilienceException> providerErrors = new ArrayList<>();

        NodeRole role = quietly(() -> NodeSettings.ROLE.find(settings).orElse(null));
        String componentName = quietly(() -> NodeSettings.COMPONENT.get(settings));
        ComponentProvider component = componentName == null ? null
                : provider(() -> registry.component(componentName), providerErrors);
        if (component != null) {
            declared.addAll(component.settings());
        } else if (componentName != null) {
            unresolved.add(componentName + ".");
        }
        URI uri = quietly(() -> NodeSettings.URI_.find(settings).orElse(null));
        String scheme = uri != null ? uri.getScheme() : "file";
        TransportProvider transport = provider(() -> registry.transport(scheme), providerErrors);
        if (transport != null) {
            declared.addAll(transport.settings());
        }
        ArchiveProvider archive = null;
        if (role == NodeRole.PULL_BACKUP) {
            URI location = quietly(() -> NodeSettings.PBS_ARCHIVE.find(settings).orElse(URI.create("dir:/")));
            archive = location == null ? null : provider(() -> registry.archive(location.getScheme()), providerErrors);
            if (archive != null) {
                declared.addAll(archive.settings());
            } else {
                unresolved.add("archive.");
            }
        }
        String coordinatorName = quietly(() -> new NodeSettings(settings).coordinator().orElse(null));
        CoordinatorProvider coordinator = coordinatorName == null ? null
                : provider(() -> registry.coordinator(coordinatorName), providerErrors);
        if (coordinator != null) {
            declared.addAll(coordinator.settings());
        } else if (coordinatorName != null) {
            unresolved.add(coordinatorName + ".");
        }
        Set<Need> needs = EnumSet.of(Need.ALWAYS);
        if (role == NodeRole.EXPORT) {
            needs.add(Need.TO_EXPORT);
        } else if (role == NodeRole.IMPORT) {
            needs.add(Need.TO_IMPORT);
        }
        problems.addAll(ConfigValidator.problems(settings, declared, needs,
                key -> unresolved.stream().anyMatch(key::startsWith)));
        if (!providerErrors.isEmpty() && problems.isEmpty()) {
            throw providerErrors.get(0);
        }
        providerErrors.forEach(e -> problems.add(e.getMessage()));
        ConfigValidator.throwIfAny(problems, where);
        return new NodeConfig(settings, new NodeSettings(settings), component, transport, archive, coordinator);
    }

    // A value whose own problem the validator reports; here it is only needed to find the providers.
    private static <T> T quietly(Supplier<T> read) {
        try {
            return read.get();
        } catch (ResilienceException e) {
            return null;
        }
    }

    private static <T> T provider(Supplier<T> find, List<ResilienceException> errors) {
        try {
            return find.get();
        } catch (ResilienceException e) {
            if (e.code() != ErrorCode.UNKNOWN_PROVIDER && e.code() != ErrorCode.DUPLICATE_PROVIDER) {
                throw e;
            }
            errors.add(e);
            return null;
        }
    }

    /**
     * The role this configuration gives the node.
     *
     * @return the role
     */
    public NodeRole role() {
        return node.role();
    }

    /**
     * The archive provider, present on a pull-backup node.
     *
     * @return the provider, if any
     */
    public Optional<ArchiveProvider> archiveProvider() {
        return Optional.ofNullable(archive);
    }

    /**
     * The coordinator provider, present when {@code node.coordinator} is set.
     *
     * @return the provider, if any
     */
    public Optional<CoordinatorProvider> coordinatorProvider() {
        return Optional.ofNullable(coordinator);
    }
}
