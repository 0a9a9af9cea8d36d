package org.resilient.api.spi;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.resilient.api.Capability;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * A {@link ComponentProvider} declared in one constructor call: what describes the component (name, description,
 * capabilities, settings) and how its exporter and importer are made from settings. The usual way to write a
 * provider; implement the interface directly only where a provider computes its description.
 *
 * <pre>{@code
 * public final class SqliteComponentProvider extends AbstractComponentProvider {
 *     public SqliteComponentProvider() {   // ServiceLoader needs a public no-argument constructor
 *         super("sqlite", "SQLite databases", EnumSet.of(Capability.PROMOTE), SqliteSettings.SPECS,
 *                 SqliteExporter::new, SqliteImporter::new);
 *     }
 * }
 * }</pre>
 */
public abstract class AbstractComponentProvider implements ComponentProvider {
    private final String name;
    private final String description;
    private final Set<Capability> capabilities;
    private final List<SettingSpec> settings;
    private final Function<Settings, Exporter> exporter;
    private final Function<Settings, Importer> importer;

    /**
     * Declares the component.
     *
     * @param name its name, also the prefix of its settings ({@link ComponentProvider#name()})
     * @param description one line saying what it backs up
     * @param capabilities what it supports beyond the minimum
     * @param settings every setting it reads
     * @param exporter makes an exporter from the node's settings (checking them)
     * @param importer makes an importer from the node's settings (checking them)
     */
    protected AbstractComponentProvider(String name, String description, Set<Capability> capabilities,
            List<SettingSpec> settings, Function<Settings, Exporter> exporter, Function<Settings, Importer> importer) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        // An EnumSet keeps the declaration order, which listings show.
        this.capabilities = capabilities.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        this.settings = List.copyOf(settings);
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        this.importer = Objects.requireNonNull(importer, "importer");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public final List<SettingSpec> settings() {
        return settings;
    }

    @Override
    public final Exporter exporter(Settings settings) {
        return exporter.apply(settings);
    }

    @Override
    public final Importer importer(Settings settings) {
        return importer.apply(settings);
    }
}
