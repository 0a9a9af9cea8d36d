package org.resilient.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ManifestDigests} answers like the map of the whole MANIFEST, in any order of lookups. */
class ManifestDigestsTest {
    private static final int FILES = 3 * ManifestDigests.WINDOW;

    @TempDir
    Path tmp;

    @Test
    @DisplayName("digests looked up in order, a little out of order, far behind, and missing match the MANIFEST")
    void likeTheWholeMap() throws IOException {
        List<ManifestEntry> entries = new ArrayList<>();
        Map<String, String> expected = new HashMap<>();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        entries.add(ManifestEntry.directory("d", 0755, t));
        for (int i = 0; i < FILES; i++) {
            String sha = String.format("%064x", i + 1);
            String path = String.format("d/f%06d", i);
            entries.add(ManifestEntry.file(path, i, 0644, t, sha));
            expected.put("data/" + path, sha);
        }
        Path file = tmp.resolve("MANIFEST");
        Files.write(file, ManifestCodec.write(new Manifest(new BackupId("b1"), "files", "node0", new Epoch(1), t,
                entries)));
        ManifestDigests digests = new ManifestDigests(file, "data/");
        for (int i = 0; i < FILES; i += 7) {
            String key = String.format("data/d/f%06d", i);
            assertEquals(expected.get(key), digests.get(key), key);
            if (i >= 10) {
                String behind = String.format("data/d/f%06d", i - 10); // within the window
                assertEquals(expected.get(behind), digests.get(behind), behind);
            }
        }
        assertEquals(expected.get("data/d/f000003"), digests.get("data/d/f000003"), "far behind: read again");
        assertNull(digests.get("data/d/none"));
        assertNull(digests.get("d/f000001"), "outside the prefix");
        assertFalse(digests.containsKey("data/d"), "a directory has no digest");
        assertEquals(expected, new HashMap<>(digests));
        assertEquals(FILES, digests.size());
    }
}
