package org.resilient.core.registry;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.spi.ArchiveProvider;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.CoordinatorProvider;
import org.resilient.api.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers found with {@link ServiceLoader}. A provider that fails to load is reported (in the log and
 * in {@link #all()}) and the others still work; asking for an unknown name lists what was found and names
 * the artifact that provides it (as the plugins declare themselves, see {@link PluginDeclarations}); two
 * providers for one name are an error naming both classes.
 */
public final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private final Found<ComponentProvider> components;
    private final Found<TransportProvider> transports;
    private final Found<ArchiveProvider> archives;
    private final Found<CoordinatorProvider> coordinators;
    private final PluginDeclarations plugins;

    private Registry(ClassLoader loader) {
        plugins = PluginDeclarations.load(loader);
        components = load(ComponentProvider.class, "component", ComponentProvider::name,
                ComponentProvider::description, ComponentProvider::settings, loader);
        transports = load(TransportProvider.class, "transport", TransportProvider::scheme,
                TransportProvider::description, TransportProvider::settings, loader);
        archives = load(ArchiveProvider.class, "archive", ArchiveProvider::scheme, ArchiveProvider::description,
                ArchiveProvider::settings, loader);
        coordinators = load(CoordinatorProvider.class, "coordinator", CoordinatorProvider::name,
                CoordinatorProvider::description, CoordinatorProvider::settings, loader);
    }

    /**
     * Discovers the providers visible to this class's loader.
     *
     * @return the registry
     */
    public static Registry load() {
        return new Registry(Registry.class.getClassLoader());
    }

    /**
     * Discovers the providers visible to a class loader.
     *
     * @param loader the loader
     * @return the registry
     */
    public static Registry load(ClassLoader loader) {
        return new Registry(loader);
    }

    /**
     * Everything found, including providers that failed to load.
     *
     * @return components, then transports, then archives, then coordinators
     */
    public List<ProviderInfo> all() {
        List<ProviderInfo> out = new ArrayList<>(components.infos);
        out.addAll(transports.infos);
        out.addAll(archives.infos);
        out.addAll(coordinators.infos);
        return out;
    }

    /**
     * The settings every provider found declares (a provider whose declarations fail is left out; it is
     * reported in {@link #all()}).
     *
     * @return the declarations, components first, then transports, archives and coordinators
     */
    public List<SettingSpec> allSettings() {
        List<SettingSpec> out = new ArrayList<>();
        for (Found<?> f : List.of(components, transports, archives, coordinators)) {
            f.settings.values().forEach(out::addAll);
        }
        return out;
    }

    /**
     * The settings one provider declares.
     *
     * @param info a provider from {@link #all()} that loaded
     * @return its declarations, empty if it declares none or its declarations failed
     */
    public List<SettingSpec> settings(ProviderInfo info) {
        Found<?> f = switch (info.kind()) {
            case "component" -> components;
            case "transport" -> transports;
            case "coordinator" -> coordinators;
            default -> archives;
        };
        return f.settings.getOrDefault(info.name(), List.of());
    }

    /**
     * The component registered under a name.
     *
     * @param name e.g. {@code files}
     * @return the provider
     * @throws ResilienceException {@code UNKNOWN_PROVIDER} or {@code DUPLICATE_PROVIDER}
     */
    public ComponentProvider component(String name) {
        return components.get(name);
    }

    /**
     * The transport registered for a scheme.
     *
     * @param scheme e.g. {@code file}
     * @return the provider
     * @throws ResilienceException {@code UNKNOWN_PROVIDER} or {@code DUPLICATE_PROVIDER}
     */
    public TransportProvider transport(String scheme) {
        return transports.get(scheme);
    }

    /**
     * The archive registered for a scheme.
     *
     * @param scheme e.g. {@code dir}
     * @return the provider
     * @throws ResilienceException {@code UNKNOWN_PROVIDER} or {@code DUPLICATE_PROVIDER}
     */
    public ArchiveProvider archive(String scheme) {
        return archives.get(scheme);
    }

    /**
     * The coordinator registered under a name ({@code node.coordinator}).
     *
     * @param name e.g. {@code embedded} or {@code zookeeper}
     * @return the provider
     * @throws ResilienceException {@code UNKNOWN_PROVIDER} or {@code DUPLICATE_PROVIDER}
     */
    public CoordinatorProvider coordinator(String name) {
        return coordinators.get(name);
    }

    /**
     * The names of the loaded components.
     *
     * @return the names, in discovery order
     */
    public List<String> componentNames() {
        return List.copyOf(components.byName.keySet());
    }

    private <T> Found<T> load(Class<T> type, String kind, Function<T, String> name, Function<T, String> description,
                              Function<T, List<SettingSpec>> settings, ClassLoader loader) {
        Found<T> found = new Found<>(kind, type.getName());
        Iterator<T> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            T provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.warn("a {} provider failed to load and is skipped: {}", kind, e.getMessage());
                found.infos.add(new ProviderInfo(null, kind, className(e), "?", null, String.valueOf(e.getMessage()), true));
                continue;
            }
            String n;
            String d;
            List<SettingSpec> declared;
            try {
                n = name.apply(provider);
                d = description.apply(provider);
                declared = List.copyOf(settings.apply(provider));
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("{} provider {} is broken and is skipped: {}", kind, provider.getClass().getName(), e.toString());
                found.infos.add(new ProviderInfo(null, kind, provider.getClass().getName(), origin(provider.getClass()),
                        null, e.toString(), true));
                continue;
            }
            found.infos.add(new ProviderInfo(n, kind, provider.getClass().getName(), origin(provider.getClass()),
                    plugins.present(kind, n).orElse(null), d, false));
            found.settings.putIfAbsent(n, declared);
            found.byName.computeIfAbsent(n, k -> new ArrayList<>()).add(provider);
        }
        return found;
    }

    private static String className(ServiceConfigurationError e) {
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("Provider ");
        if (i >= 0) {
            String rest = m.substring(i + 9);
            int sp = rest.indexOf(' ');
            return sp > 0 ? rest.substring(0, sp) : rest;
        }
        return "?";
    }

    private static String origin(Class<?> c) {
        if (c.getModule().isNamed()) {
            return c.getModule().getName();
        }
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        if (url == null) {
            return "?";
        }
        String path = url.getPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith("target/classes") || path.endsWith("target/test-classes")) {
            String module = path.substring(0, path.lastIndexOf("/target/"));
            return module.substring(module.lastIndexOf('/') + 1) + " (classes)";
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private final class Found<T> {
        final String kind;
        final List<ProviderInfo> infos = new ArrayList<>();
        final Map<String, List<T>> byName = new LinkedHashMap<>();
        final Map<String, List<SettingSpec>> settings = new LinkedHashMap<>();

        // The service file a provider must be listed in: the hint for an author who forgot it.
        final String serviceFile;

        Found(String kind, String spi) {
            this.kind = kind;
            this.serviceFile = "META-INF/services/" + spi;
        }

        T get(String name) {
            List<T> list = byName.get(name);
            if (list == null) {
                String found = "no " + kind + " named '" + name + "'; found: "
                        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet()));
                String present = plugins.present(kind, name).orElse(null);
                String artifact = plugins.artifact(kind, name).orElse(null);
                throw new ResilienceException(ErrorCode.UNKNOWN_PROVIDER, found + (present != null
                        ? ". " + present + " is on the class path and declares '" + name + "', but its provider failed"
                                + " to load; 'resilient components' shows why"
                        : artifact != null ? ". '" + name + "' is provided by " + artifact + ": add it to the class path"
                        : ". Check the spelling, or add the jar that provides it to the class path (a provider is"
                                + " found when its jar lists it in " + serviceFile + ")"));
            }
            if (list.size() > 1) {
                throw new ResilienceException(ErrorCode.DUPLICATE_PROVIDER, "two " + kind + " providers claim the name '"
                        + name + "': " + list.get(0).getClass().getName() + " (" + origin(list.get(0).getClass()) + ") and "
                        + list.get(1).getClass().getName() + " (" + origin(list.get(1).getClass())
                        + "); remove one of them from the class path");
            }
            return list.get(0);
        }
    }
}
