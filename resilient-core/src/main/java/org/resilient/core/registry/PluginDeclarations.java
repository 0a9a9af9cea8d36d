package org.resilient.core.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which artifact provides which provider, as the plugins declare it. Every plugin jar carries
 * {@value #RESOURCE} naming its artifact and the providers it holds:
 * <pre>
 * artifact=org.resilient:resilient-postgres
 * component=postgres
 * transport=
 * archive=
 * </pre>
 * so a listing and an error can name the artifact of a provider that is present, or that is present but
 * failed to load. For a provider that is absent (its jar, and so its declaration, missing) the hint comes from
 * {@value #KNOWN}: the plugins released with this version of resilient.
 */
final class PluginDeclarations {
    /** The resource every plugin jar carries. */
    static final String RESOURCE = "META-INF/resilient/plugin.properties";
    /** The plugins released with resilient, for hints when one is missing. */
    static final String KNOWN = "org/resilient/core/registry/known-plugins.properties";
    private static final Logger LOG = LoggerFactory.getLogger(PluginDeclarations.class);
    private static final String[] KINDS = {"component", "transport", "archive", "coordinator"};

    private final Map<String, String> present = new LinkedHashMap<>();
    private final Map<String, String> known = new LinkedHashMap<>();

    private PluginDeclarations() {
    }

    static PluginDeclarations load(ClassLoader loader) {
        PluginDeclarations d = new PluginDeclarations();
        try {
            Enumeration<URL> urls = loader.getResources(RESOURCE);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                Properties p = read(url);
                String artifact = p.getProperty("artifact", "").trim();
                if (artifact.isEmpty()) {
                    LOG.warn("{} names no artifact; ignored", url);
                    continue;
                }
                for (String kind : KINDS) {
                    for (String name : p.getProperty(kind, "").split(",", -1)) {
                        if (!name.isBlank()) {
                            d.present.put(kind + ":" + name.trim(), artifact);
                        }
                    }
                }
            }
            URL catalog = PluginDeclarations.class.getClassLoader().getResource(KNOWN);
            if (catalog != null) {
                read(catalog).forEach((k, v) -> d.known.put(String.valueOf(k).replaceFirst("\\.", ":"), String.valueOf(v)));
            }
        } catch (IOException e) {
            LOG.warn("cannot read the plugin declarations ({}): messages will not name artifacts", e.toString());
        }
        return d;
    }

    private static Properties read(URL url) throws IOException {
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        }
        return p;
    }

    /**
     * The artifact a jar on the class path declares for a provider.
     *
     * @param kind {@code component}, {@code transport} or {@code archive}
     * @param name the name or scheme
     * @return the artifact coordinates, if a jar declares the provider
     */
    Optional<String> present(String kind, String name) {
        return Optional.ofNullable(present.get(kind + ":" + name));
    }

    /**
     * The artifact a provider is released in, present or not.
     *
     * @param kind {@code component}, {@code transport} or {@code archive}
     * @param name the name or scheme
     * @return the artifact coordinates, if known
     */
    Optional<String> artifact(String kind, String name) {
        return present(kind, name).or(() -> Optional.ofNullable(known.get(kind + ":" + name)));
    }
}
