package org.resilient.https;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;

/**
 * Finds entries of a listing file by path without holding it: it reads forward and starts over only when asked
 * for a path before the last one found. A pusher sends files in listing order, so a push of n files reads its
 * listing about once, not n times.
 */
final class ListingCursor implements Closeable {
    private final Path file;
    private ManifestStream stream;
    private ManifestEntry current;

    ListingCursor(Path file) {
        this.file = file;
    }

    /**
     * The entry of a path.
     *
     * @param path the path, relative to the backup
     * @return its entry, or empty if the listing has none
     * @throws IOException if the listing cannot be read
     */
    Optional<ManifestEntry> find(String path) throws IOException {
        if (stream == null || current != null && current.path().compareTo(path) > 0) {
            close();
            stream = Listing.open(file);
            current = stream.next();
        }
        while (current != null && current.path().compareTo(path) < 0) {
            current = stream.next();
        }
        return current != null && current.path().equals(path) ? Optional.of(current) : Optional.empty();
    }

    @Override
    public void close() throws IOException {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }
}
