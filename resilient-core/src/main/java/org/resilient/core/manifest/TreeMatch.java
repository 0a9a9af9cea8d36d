package org.resilient.core.manifest;

import java.nio.file.Path;
import java.util.Iterator;
import org.resilient.api.Cancellation;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;

/**
 * Compares a tree with the entries of a manifest by walking both in manifest order, as a merge: neither side is
 * held, so a backup of millions of files is checked in memory bounded by its widest directory.
 */
public final class TreeMatch {
    /** Told of each path the two sides disagree on, or might (same path: the caller compares the entries). */
    public interface Differences {
        /**
         * The manifest lists an entry the tree does not have.
         *
         * @param want the manifest's entry
         */
        void missing(ManifestEntry want);

        /**
         * The tree has an entry the manifest does not list.
         *
         * @param got the tree's entry
         */
        void added(ManifestEntry got);

        /**
         * Both have the path: compare them.
         *
         * @param want the manifest's entry
         * @param got the tree's entry (hashed)
         */
        void both(ManifestEntry want, ManifestEntry got);
    }

    private TreeMatch() {
    }

    /**
     * Compares.
     *
     * @param root the tree (its entries hashed as they are walked)
     * @param manifest the manifest's entries, in manifest order
     * @param progress gets hashing progress
     * @param cancellation checked between files
     * @param differences told of each path
     */
    public static void compare(Path root, Iterator<ManifestEntry> manifest, ProgressListener progress,
                               Cancellation cancellation, Differences differences) {
        ManifestEntry[] want = {manifest.hasNext() ? manifest.next() : null};
        TreeScanner.walk(root, true, KnownDigests.NONE, progress, cancellation, got -> {
            while (want[0] != null && want[0].compareTo(got) < 0) {
                differences.missing(want[0]);
                want[0] = manifest.hasNext() ? manifest.next() : null;
            }
            if (want[0] != null && want[0].path().equals(got.path())) {
                differences.both(want[0], got);
                want[0] = manifest.hasNext() ? manifest.next() : null;
            } else {
                differences.added(got);
            }
        });
        for (; want[0] != null; want[0] = manifest.hasNext() ? manifest.next() : null) {
            differences.missing(want[0]);
        }
    }
}
