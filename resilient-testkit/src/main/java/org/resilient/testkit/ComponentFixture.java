package org.resilient.testkit;

import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;

/**
 * What a component author gives the {@link ExporterContract} and {@link ImporterContract}: a live copy
 * to export from, a standby to import into, ways to change the live data, and fingerprints that are equal
 * exactly when the content is equal (e.g. ordered per-table checksums for a database).
 *
 * <p>One fixture serves one test; {@link #close()} removes what it made.
 */
public interface ComponentFixture extends AutoCloseable {

    /**
     * The component under test.
     *
     * @return the provider
     */
    ComponentProvider provider();

    /**
     * Settings pointing at the live copy.
     *
     * @return settings for an export node
     */
    Settings exportSettings();

    /**
     * Settings pointing at the standby.
     *
     * @return settings for an import node
     */
    Settings importSettings();

    /** Puts the initial test data into the live copy. */
    void seed();

    /**
     * Changes the live data so that the next export differs from the last.
     *
     * @param round 1, 2, ... for successive changes
     */
    void change(int round);

    /**
     * A digest of the live copy's content.
     *
     * @return equal to {@link #standbyFingerprint()} exactly when the content is equal
     */
    String liveFingerprint();

    /**
     * A digest of the standby's content.
     *
     * @return the fingerprint; a standby that holds nothing yet has a fingerprint unequal to any seeded copy
     */
    String standbyFingerprint();

    /**
     * Whether the standby currently accepts writes by applications. Only asked of components declaring
     * {@link org.resilient.api.Capability#READ_ONLY_STANDBY}.
     *
     * @return true if a write would succeed
     */
    default boolean standbyWritable() {
        throw new UnsupportedOperationException("fixture does not implement standbyWritable()");
    }

    /** Removes what the fixture made (databases, directories). */
    @Override
    void close();
}
