package org.resilient.cli.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.Cancellation;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.core.manifest.TreeScanner;
import org.resilient.core.manifest.KnownDigests;

/** Compares two trees byte for byte, with types, modes, modification times and link targets. */
final class TreeComparison {
    private TreeComparison() {
    }

    /** @return the differences, empty when the trees are equal */
    static List<String> differences(Path expected, Path actual) {
        Map<String, ManifestEntry> a = index(TreeScanner.scan(actual, true, KnownDigests.NONE, ProgressListener.NONE, Cancellation.never()));
        List<String> diffs = new ArrayList<>();
        for (ManifestEntry e : TreeScanner.scan(expected, true, KnownDigests.NONE, ProgressListener.NONE, Cancellation.never())) {
            ManifestEntry o = a.remove(e.path());
            if (o == null) {
                diffs.add("missing " + e.path());
            } else if (!comparable(o).equals(comparable(e))) {
                diffs.add("differs " + e.path() + ": expected " + e + ", found " + o);
            }
        }
        a.keySet().forEach(p -> diffs.add("extra " + p));
        return diffs;
    }

    /**
     * Java sets the times of symbolic links with microsecond precision only (lutimes), so links are compared
     * at that precision; everything else is compared exactly.
     */
    private static ManifestEntry comparable(ManifestEntry e) {
        if (e.type() != ManifestEntry.Type.SYMLINK) {
            return e;
        }
        return ManifestEntry.symlink(e.path(), e.modified().truncatedTo(java.time.temporal.ChronoUnit.MICROS), e.linkTarget());
    }

    static long[] filesAndBytes(Path root) {
        List<ManifestEntry> entries = TreeScanner.scan(root, false, KnownDigests.NONE, ProgressListener.NONE, Cancellation.never());
        return new long[] {entries.stream().filter(e -> e.type() == ManifestEntry.Type.FILE).count(),
            entries.stream().mapToLong(ManifestEntry::size).sum()};
    }

    private static Map<String, ManifestEntry> index(List<ManifestEntry> entries) {
        Map<String, ManifestEntry> m = new HashMap<>();
        entries.forEach(e -> m.put(e.path(), e));
        return m;
    }
}
