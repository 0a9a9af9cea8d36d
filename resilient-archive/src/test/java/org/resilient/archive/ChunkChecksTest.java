package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.archive.index.ChunkCheck;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackReader;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;
import org.resilient.archive.tree.TreeWriter;

/**
 * The chunk checksums generations record (format 3) and restore checks content against, and the SHA-256 check
 * that restore still does for generations without them.
 */
class ChunkChecksTest {
    @TempDir
    Path tmp;
    private Path src;

    @BeforeEach
    void source() throws IOException {
        src = tmp.resolve("src");
        TestTrees.makeTree(src, 11);
    }

    private Generation store(DirArchive a, String backup) {
        return a.store(TestTrees.request(src, backup, Instant.parse("2026-11-26T10:00:00Z")), TestTrees.ctx(src));
    }

    private static Path generationFile(DirArchive a, Generation g) {
        return a.root().resolve("generations").resolve(g.id() + ".gen");
    }

    @Test
    @DisplayName("the chunk checksum is CRC-32C then CRC-32 of the content (part of the format: pinned)")
    void checksumDefinition() {
        byte[] b = "xx123456789yy".getBytes(StandardCharsets.US_ASCII);
        // The standard check values of the two CRCs over "123456789".
        assertEquals(0xE3069283CBF43926L, new ChunkCheck().of(b, 2, 9));
        assertEquals("e3069283cbf43926", ChunkCheck.hex(0xE3069283CBF43926L));
        ChunkCheck c = new ChunkCheck();
        assertEquals(c.of(b, 0, 13), c.of(b, 0, 13), "a reused instance starts afresh");
        assertTrue(c.of(b, 0, 13) != c.of(b, 0, 12));
    }

    @Test
    @DisplayName("a store records the checksum of every chunk's content, and the tree reads them back")
    void storeRecordsChecksums() throws IOException {
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g = store(a, "b1");
            assertChecksOfContent(a, g, src);
            // The next version: most chunks are the previous version's (their checksums are taken from its tree),
            // some are new (computed).
            byte[] t1 = Files.readAllBytes(src.resolve("data/tables/t1.dat"));
            byte[] changed = t1.clone();
            changed[t1.length / 2] ^= 1;
            Files.write(src.resolve("data/tables/t1.dat"), changed);
            Generation g2 = store(a, "b2");
            assertTrue(g2.newBytes() > 0 && g2.newBytes() < t1.length / 2, "mostly the previous chunks: " + g2);
            assertChecksOfContent(a, g2, src);
        }
    }

    private static void assertChecksOfContent(DirArchive a, Generation g, Path src) throws IOException {
        Path gen = generationFile(a, g);
        assertEquals(3, Files.readAllBytes(gen)[5], "format 3");
        int files = 0;
        ChunkCheck check = new ChunkCheck();
        for (TreeEntry e : entries(gen)) {
            if (e.type() != TreeEntry.Type.FILE || e.size() == 0) {
                continue;
            }
            files++;
            assertTrue(e.hasChecks(), e.path());
            byte[] content = Files.readAllBytes(src.resolve(e.path()));
            int at = 0;
            for (int i = 0; i < e.chunkCount(); i++) {
                assertEquals(check.of(content, at, e.lengths()[i]), e.checks()[i], e.path() + " chunk " + i);
                at += e.lengths()[i];
            }
        }
        assertTrue(files >= 5, "files with content: " + files);
    }

    @Test
    @DisplayName("a chunk whose content differs from the checksum its generation recorded: restore refuses the file, "
            + "--partial restores the rest, verify --read-data names it")
    void recordedChecksumMismatch() throws IOException {
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g = store(a, "b1");
            Path gen = generationFile(a, g);
            String victim = "data/tables/t1.dat";
            rewrite(gen, 3, e -> {
                if (!e.path().equals(victim)) {
                    return e;
                }
                assertTrue(e.chunkCount() > 2);
                long[] checks = e.checks().clone();
                checks[1] ^= 1L << 40;
                return new TreeEntry(e.path(), e.type(), e.mode(), e.mtimeSeconds(), e.mtimeNanos(), e.size(), null,
                        e.hashes(), e.lengths(), e.digest(), checks);
            });
            long offset = entries(gen).stream().filter(e -> e.path().equals(victim)).findFirst().orElseThrow()
                    .lengths()[0];

            ResilienceException refused = assertThrows(ResilienceException.class, () -> a.restore(g.id(),
                    tmp.resolve("refused"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp)));
            assertEquals(ErrorCode.ARCHIVE_CORRUPT, refused.code());
            assertTrue(refused.getMessage().contains(victim) && refused.getMessage().contains("checksum"),
                    refused.getMessage());
            assertFalse(Files.exists(tmp.resolve("refused")), "a refused restore leaves nothing");

            List<Damage> met = a.restore(g.id(), tmp.resolve("partial"), new RestoreOptions(true), TestTrees.ctx(tmp));
            assertTrue(met.stream().anyMatch(d -> d.path().equals(victim) && d.offset() == offset), met.toString());
            assertFalse(Files.exists(tmp.resolve("partial").resolve(victim)));
            assertArrayEquals(Files.readAllBytes(src.resolve("data/tables/t2.dat")),
                    Files.readAllBytes(tmp.resolve("partial/data/tables/t2.dat")));

            assertTrue(a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp)).ok(), "structure does not read data");
            VerifyReport r = a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
            assertFalse(r.ok());
            assertTrue(r.damages().stream().anyMatch(d -> g.id().equals(d.generationId()) && victim.equals(d.path())
                    && d.offset() == offset && d.description().contains("checksum the generation recorded")),
                    r.damages().toString());
        }
    }

    @Test
    @DisplayName("a generation without checksums (formats 1 and 2) restores byte-exact, re-hashing each chunk, "
            + "and a damaged chunk is still refused")
    void generationWithoutChecksums() throws IOException {
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g = store(a, "b1");
            Path gen = generationFile(a, g);
            rewrite(gen, 1, e -> new TreeEntry(e.path(), e.type(), e.mode(), e.mtimeSeconds(), e.mtimeNanos(),
                    e.size(), e.linkTarget(), e.hashes(), e.lengths()));
            assertEquals(1, Files.readAllBytes(gen)[5]);
            assertTrue(entries(gen).stream().noneMatch(TreeEntry::hasChecks));
            Path out = tmp.resolve("out");
            assertTrue(a.restore(g.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
            TestTrees.assertSameTree(src, out);
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());

            // A chunk stored raw (the largest: one of the random file's, which does not compress) with a flipped
            // byte still decodes: only the SHA-256 can tell, and it does.
            Path pack = null;
            int raw = -1;
            PackEntries entries = null;
            try (var packs = Files.list(a.root().resolve("packs"))) {
                for (Path p : packs.toList()) {
                    PackEntries pe = PackReader.readTrailer(p);
                    for (int i = 0; i < pe.flags().length; i++) {
                        if (pe.storedLengths()[i] == pe.rawLengths()[i]
                                && (raw < 0 || pe.rawLengths()[i] > entries.rawLengths()[raw])) {
                            raw = i;
                            pack = p;
                            entries = pe;
                        }
                    }
                }
            }
            assertTrue(raw >= 0 && entries.rawLengths()[raw] > 1000, "a large chunk stored raw");
            long at = entries.offsets()[raw] + entries.storedLengths()[raw] / 2;
            try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x01);
            }
            ResilienceException refused = assertThrows(ResilienceException.class, () -> a.restore(g.id(),
                    tmp.resolve("refused"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp)));
            assertEquals(ErrorCode.ARCHIVE_CORRUPT, refused.code());
            assertTrue(refused.getMessage().contains("data/blob.bin") && refused.getMessage().contains("SHA-256"),
                    refused.getMessage());
        }
    }

    private static List<TreeEntry> entries(Path gen) throws IOException {
        List<TreeEntry> out = new ArrayList<>();
        try (TreeReader r = GenerationFile.openTree(gen)) {
            for (TreeEntry e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        return out;
    }

    /** Rewrites a generation's tree through {@code change}, as format {@code version}. */
    private void rewrite(Path gen, int version, UnaryOperator<TreeEntry> change) throws IOException {
        Generation g = GenerationFile.readMetadata(gen);
        Path tree = tmp.resolve("tree-" + System.nanoTime());
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(tree), 3)) {
            TreeWriter w = new TreeWriter(o);
            for (TreeEntry e : entries(gen)) {
                w.write(change.apply(e));
            }
            w.finish();
        }
        GenerationFile.write(gen, tree, g, version);
        Files.delete(tree);
    }
}
