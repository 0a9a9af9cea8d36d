package org.resilient.api.spi;

import java.util.List;
import java.util.Set;
import org.resilient.api.Capability;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * A stateful component resilient can back up and restore: a directory tree, a PostgreSQL database, a
 * MariaDB server. Registered with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/org.resilient.api.spi.ComponentProvider}.
 *
 * <p>Check an implementation with the test kit: {@code class MyExporterTest extends ExporterContract}
 * and {@code ImporterContract} from {@code resilient-testkit}, plus a fixture.
 */
public interface ComponentProvider {

    /**
     * The component's name, also the prefix of its settings: {@code files}, {@code postgres}.
     *
     * @return a lowercase name, unique among components
     */
    String name();

    /**
     * One line saying what the component backs up.
     *
     * @return the description
     */
    String description();

    /**
     * What the component supports beyond the minimum.
     *
     * @return the capabilities
     */
    Set<Capability> capabilities();

    /**
     * The settings the component reads, each with the prefix {@link #name()}.
     *
     * @return the declarations
     */
    List<SettingSpec> settings();

    /**
     * Creates an exporter for the live copy described by the settings.
     *
     * @param settings the node's settings
     * @return a new exporter
     * @throws org.resilient.api.ResilienceException with {@code CONFIG_INVALID} for bad settings
     */
    Exporter exporter(Settings settings);

    /**
     * Creates an importer for the standby described by the settings.
     *
     * @param settings the node's settings
     * @return a new importer
     * @throws org.resilient.api.ResilienceException with {@code CONFIG_INVALID} for bad settings
     */
    Importer importer(Settings settings);
}
