package org.resilient.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The MANIFEST and SIGNATURE codecs")
class ManifestCodecTest {
    private static final Instant T = Instant.parse("2026-11-25T16:32:00.123456789Z");
    private static final String SHA = "a".repeat(64);

    static Manifest sample() {
        return new Manifest(new BackupId("20261125T163200.123Z-node0"), "files", "node 0", new Epoch(7), T, List.of(
                ManifestEntry.directory("dir", 0755, T),
                ManifestEntry.file("dir/a.txt", 12, 0644, T.plusNanos(1), SHA),
                ManifestEntry.file("dir/with space and %percent ü", 0, 0600, T, "b".repeat(64)),
                ManifestEntry.symlink("link", T, "../outside/target with space"),
                ManifestEntry.directory("empty", 0700, T)));
    }

    static String text(Manifest m) {
        return new String(ManifestCodec.write(m), StandardCharsets.UTF_8);
    }

    static ResilienceException refused(String manifestText) {
        return assertThrows(ResilienceException.class,
                () -> ManifestCodec.read(manifestText.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("reads back exactly what it wrote, with odd names, nanosecond times and link targets")
    void roundTrip() {
        Manifest m = sample();
        byte[] bytes = ManifestCodec.write(m);
        Manifest back = ManifestCodec.read(bytes);
        assertEquals(m, back);
        assertArrayEquals(bytes, ManifestCodec.write(back));
    }

    @Nested
    @DisplayName("refuses with MANIFEST_INVALID")
    class Refuses {
        @Test
        @DisplayName("a path with ..")
        void dotDot() {
            String t = text(sample()).replace("\tdir/a.txt\n", "\t../x\n");
            assertEquals(ErrorCode.MANIFEST_INVALID, refused(t).code());
            t = text(sample()).replace("\tdir/a.txt\n", "\tdir/../../x\n");
            assertEquals(ErrorCode.MANIFEST_INVALID, refused(t).code());
        }

        @Test
        @DisplayName("an absolute path like /etc/passwd")
        void absolute() {
            String t = text(sample()).replace("\tdir/a.txt\n", "\t/etc/passwd\n");
            ResilienceException e = refused(t);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
            assertTrue(e.getMessage().contains("/etc/passwd"), e.getMessage());
        }

        @Test
        @DisplayName("an entry below a symbolic link")
        void belowLink() {
            String t = text(sample()).replace("entries 5", "entries 6")
                    + "F\t0644\t1\t1764088320.000000000\t" + SHA + "\tlink/escaped\n";
            ResilienceException e = refused(t);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
            assertTrue(e.getMessage().contains("link"), e.getMessage());
        }

        @Test
        @DisplayName("a truncated manifest, cut inside a line or at a line end")
        void truncated() {
            String t = text(sample());
            assertEquals(ErrorCode.MANIFEST_INVALID, refused(t.substring(0, t.length() - 10)).code());
            String lastLineCut = t.substring(0, t.lastIndexOf('\n', t.length() - 2) + 1);
            ResilienceException e = refused(lastLineCut);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }

        @Test
        @DisplayName("a newer format version, saying to upgrade")
        void newerVersion() {
            String t = text(sample()).replaceFirst("resilient-manifest " + ManifestCodec.VERSION,
                    "resilient-manifest " + (ManifestCodec.VERSION + 1));
            ResilienceException e = refused(t);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
            assertTrue(e.getMessage().contains("upgrade"), e.getMessage());
        }

        @Test
        @DisplayName("garbage, a bad digest, a duplicate entry and an unknown entry type")
        void garbage() {
            assertEquals(ErrorCode.MANIFEST_INVALID, refused("hello\n").code());
            assertEquals(ErrorCode.MANIFEST_INVALID, refused(text(sample()).replace(SHA, "xyz")).code());
            String dup = text(sample()).replace("entries 5", "entries 6") + "D\t0755\t1.000000000\tempty\n";
            assertEquals(ErrorCode.MANIFEST_INVALID, refused(dup).code());
            String unknown = text(sample()).replace("entries 5", "entries 6") + "X\tsomething\n";
            assertEquals(ErrorCode.MANIFEST_INVALID, refused(unknown).code());
        }
    }
}
