package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.Settings;
import org.resilient.api.VerifyLevel;
import org.resilient.api.spi.Archive;
import org.resilient.api.spi.ArchiveProvider;

@DisplayName("A stored directory restores byte for byte with its metadata")
class RoundTripTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("files, modes, mtimes, empty directories and links (kept as links) survive store and restore")
    void roundTrip() throws Exception {
        Path src = TestTrees.tree(tmp, "src", 1);
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Instant t = Instant.parse("2026-11-25T10:00:00Z");
            Generation g = a.store(TestTrees.request(src, "b1", t), TestTrees.ctx(src));
            assertEquals(List.of(g), a.generations());
            assertEquals(t, g.time());
            assertEquals("node0", g.sourceNode());
            assertEquals(3, g.epoch().value());
            assertEquals(7, g.fileCount());
            assertEquals(g.logicalBytes(), g.newBytes());
            assertTrue(g.storedBytes() > 0 && g.storedBytes() < g.logicalBytes(), "compressed: " + g);
            Path out = tmp.resolve("out");
            assertTrue(a.restore(g.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
            TestTrees.assertSameTree(src, out);
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
        }
    }

    @Test
    @DisplayName("restore into an existing empty directory works; into a non-empty one is refused")
    void restoreTargets() throws Exception {
        Path src = TestTrees.tree(tmp, "src", 2);
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g = TestTrees.store(a, src, "b1", Instant.now());
            Path empty = Files.createDirectory(tmp.resolve("empty"));
            a.restore(g.id(), empty, RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameContent(src, empty);
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> a.restore(g.id(), empty, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)));
            assertEquals(ErrorCode.NOT_WRITABLE, e.code());
            ResilienceException nf = assertThrows(ResilienceException.class,
                    () -> a.restore("20991231T000000.000Z-00000000", tmp.resolve("x"), RestoreOptions.DEFAULT,
                            TestTrees.ctx(tmp)));
            assertEquals(ErrorCode.NOT_FOUND, nf.code());
        }
    }

    @Test
    @DisplayName("compression 'none' stores and restores the same bytes")
    void noCompression() throws Exception {
        Generation g = roundTrip("none", 3);
        assertTrue(g.storedBytes() >= g.logicalBytes(), "not compressed: " + g);
    }

    @Test
    @DisplayName("a fast zstd level (-3) stores compressed and restores exactly; levels out of range are refused")
    void fastCompression() throws Exception {
        Generation g = roundTrip("-3", 4);
        assertTrue(g.storedBytes() < g.logicalBytes(), "compressed: " + g);
        for (String bad : new String[] {"-8", "0", "20"}) {
            ResilienceException e = assertThrows(ResilienceException.class, () ->
                    ArchiveSettings.from(TestTrees.smallSettings().with("archive.compression", bad)));
            assertEquals(ErrorCode.CONFIG_INVALID, e.code());
            assertTrue(e.getMessage().contains("-1 to -7"), e.getMessage());
        }
    }

    @Test
    @DisplayName("the provider is found by scheme 'dir' and opens dir:, file: and plain locations")
    void provider() throws Exception {
        ArchiveProvider p = ServiceLoader.load(ArchiveProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.scheme().equals("dir")).findFirst().orElseThrow();
        assertTrue(p.settings().stream().allMatch(s -> s.key().startsWith("archive.")));
        Path repo = tmp.resolve("repo");
        ResilienceException missing = assertThrows(ResilienceException.class,
                () -> p.open(URI.create("dir:" + repo), Settings.empty(), false));
        assertEquals(ErrorCode.NOT_FOUND, missing.code());
        try (Archive a = p.open(URI.create("dir:" + repo), Settings.empty(), true)) {
            assertTrue(a.generations().isEmpty());
        }
        try (Archive a = p.open(repo.toUri(), Settings.empty(), false)) {
            assertEquals(0, a.stats().generations());
        }
        ResilienceException bad = assertThrows(ResilienceException.class,
                () -> p.open(repo.toUri(), Settings.of(Map.of("archive.compression", "fast")), false));
        assertEquals(ErrorCode.CONFIG_INVALID, bad.code());
        assertTrue(bad.getMessage().contains("archive.compression"), bad.getMessage());
    }

    /**
     * Stores a tree with a compression setting, restores it and checks the restored tree and every stored byte.
     *
     * @return the stored generation
     */
    private Generation roundTrip(String compression, long seed) throws Exception {
        Path src = TestTrees.tree(tmp, "src", seed);
        Settings s = TestTrees.smallSettings().with("archive.compression", compression);
        try (DirArchive a = DirArchive.open(tmp.resolve("repo"), ArchiveSettings.from(s), true)) {
            Generation g = TestTrees.store(a, src, "b1", Instant.now());
            a.restore(g.id(), tmp.resolve("out"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src, tmp.resolve("out"));
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
            return g;
        }
    }
}
