package org.resilient.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
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
     * Puts about {@code bytes} of data into the live copy (instead of {@link #seed()}), for the
     * {@link RobustnessContract}'s large-data tests: generate it inside the component where you can (a database's
     * own random blobs, a sparse file), not in the test's heap.
     *
     * @param bytes about how much
     * @return true if done; false (the default) if the fixture cannot, and the tests that need it are skipped
     */
    default boolean seedLarge(long bytes) {
        return false;
    }

    /**
     * Whether the standby (the import node's copy, live once promoted) currently accepts writes by ordinary
     * applications: an account without administrator rights, which may own the data and may try to get around
     * a read-only default (e.g. PostgreSQL's {@code BEGIN READ WRITE}). Only asked of components declaring
     * {@link org.resilient.api.Capability#READ_ONLY_STANDBY} or {@link org.resilient.api.Capability#DEMOTE}.
     *
     * @return true if a write would succeed
     */
    default boolean standbyWritable() {
        throw new UnsupportedOperationException("fixture does not implement standbyWritable()");
    }

    /**
     * Whether the importer can tell data that is not a good dump of this component (damaged, garbage, empty)
     * from a good dump. True for any component with a structured dump format; a plain file tree says false
     * (the node verifies it against the manifest before import), and the tests that need it are skipped.
     *
     * @return true by default
     */
    default boolean detectsDamagedInput() {
        return true;
    }

    /**
     * Damages an exported data directory so that the importer must refuse it. The default cuts the largest
     * file of the dump to half its size, which every component with a structured dump format (a database
     * dump, a checksummed file) must notice. A component that cannot tell damaged data from good data (a
     * plain file tree, which the node verifies against the manifest before import) overrides this to
     * return false, and the tests that need it are skipped saying so.
     *
     * @param dataDir the data directory of an export, to damage in place
     * @return true if it was damaged, false if the component cannot detect damaged data
     */
    default boolean damage(Path dataDir) {
        Optional<Path> largest;
        try (Stream<Path> s = Files.walk(dataDir)) {
            largest = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .max(Comparator.comparingLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
            if (largest.isEmpty()) {
                return false;
            }
            try (FileChannel ch = FileChannel.open(largest.get(), StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot damage " + dataDir, e);
        }
    }

    /** Removes what the fixture made (databases, directories). */
    @Override
    void close();
}
