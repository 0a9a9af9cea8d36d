package org.resilient.api.spi;

import java.time.Clock;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * Creates {@link Coordinator}s of one kind ({@code embedded} for the processes of one machine,
 * {@code zookeeper} for clusters across machines). Registered with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/org.resilient.api.spi.CoordinatorProvider}.
 */
public interface CoordinatorProvider {

    /**
     * The name nodes choose this coordinator by; also the prefix of its settings.
     *
     * @return e.g. {@code zookeeper}
     */
    String name();

    /**
     * One line saying what the coordinator does and where it can be used (one machine or several).
     *
     * @return the description
     */
    String description();

    /**
     * The settings the coordinator reads, prefixed with its {@link #name()}. Every coordinator also reads
     * {@code node.name}, the name the node joins with.
     *
     * @return the declarations, possibly empty
     */
    List<SettingSpec> settings();

    /**
     * Opens a coordinator for the local node, reading time from the system clock.
     *
     * @param settings the node's settings
     * @return an open coordinator; the node has not joined yet
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} for bad settings,
     *     {@code UNREACHABLE} or {@code IO_ERROR} if the coordination service cannot be reached
     */
    default Coordinator open(Settings settings) {
        return open(settings, Clock.systemUTC());
    }

    /**
     * Opens a coordinator for the local node with a given clock (tests pass a clock they move by hand).
     *
     * @param settings the node's settings
     * @param clock the time source for publication times, expiry times and lease deadlines
     * @return an open coordinator; the node has not joined yet
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} for bad settings,
     *     {@code UNREACHABLE} or {@code IO_ERROR} if the coordination service cannot be reached
     */
    Coordinator open(Settings settings, Clock clock);
}
