package org.resilient.api.spi;

import java.net.URI;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * Creates {@link Archive}s for one URI scheme ({@code dir} for the deduplicating archive, {@code copy} for
 * plain full copies, {@code mem} in tests). Registered with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/org.resilient.api.spi.ArchiveProvider}.
 */
public interface ArchiveProvider {

    /**
     * The URI scheme this provider handles.
     *
     * @return e.g. {@code dir}
     */
    String scheme();

    /**
     * One line saying what the archive does.
     *
     * @return the description
     */
    String description();

    /**
     * The settings the archive reads, prefixed {@code archive.}.
     *
     * @return the declarations, possibly empty
     */
    List<SettingSpec> settings();

    /**
     * Opens (creating if needed and {@code create} is set) the archive at a location.
     *
     * @param location e.g. {@code dir:/srv/pbs/archive}
     * @param settings the node's settings
     * @param create whether to create the archive if it does not exist
     * @return an open archive
     * @throws org.resilient.api.ResilienceException {@code NOT_FOUND} if it does not exist and
     *     {@code create} is false, {@code ARCHIVE_VERSION} if it is of a newer format, {@code IO_ERROR} if
     *     the location is not a directory
     */
    Archive open(URI location, Settings settings, boolean create);
}
