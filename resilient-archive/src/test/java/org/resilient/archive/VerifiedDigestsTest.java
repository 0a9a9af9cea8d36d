package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.support.hash.Sha256;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores with the caller's verified file digests (StoreRequest#verifiedDigests): an unchanged file is taken from
 * the previous generation without being read, a file that is read is checked against its digest.
 */
class VerifiedDigestsTest {
    @TempDir
    Path tmp;

    private Path src;
    private int restores;

    private void write(String name, byte[] content) throws IOException {
        Files.createDirectories(src.resolve("data"));
        Files.write(src.resolve("data").resolve(name), content);
    }

    /** The digests a verifier would pass: SHA-256 of every file under data/. */
    private Map<String, String> digests() throws IOException {
        Map<String, String> out = new HashMap<>();
        try (var files = Files.list(src.resolve("data"))) {
            for (Path f : files.toList()) {
                out.put("data/" + f.getFileName(), Sha256.hex(Sha256.newDigest().digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    private StoreRequest request(String id, Map<String, String> digests) {
        return TestTrees.request(src, id, Instant.parse("2026-11-25T10:00:00Z")).withVerifiedDigests(digests);
    }

    private byte[] restored(DirArchive a, Generation g, String name) throws IOException {
        Path out = tmp.resolve("out-" + ++restores);
        assertTrue(a.restore(g.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
        return Files.readAllBytes(out.resolve("data").resolve(name));
    }

    private static int formatVersion(DirArchive a, Generation g) throws IOException {
        return Files.readAllBytes(a.root().resolve("generations").resolve(g.id() + ".gen"))[5];
    }

    @Test
    @DisplayName("an unchanged verified file is taken from the previous generation by its digest, not read")
    void unchangedFileIsNotRead() throws Exception {
        src = tmp.resolve("src");
        byte[] orders = TestTrees.dumpText(1, 20_000);
        byte[] items = TestTrees.dumpText(2, 20_000);
        write("orders.sql", orders);
        write("items.sql", items);
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g1 = a.store(request("b1", digests()), TestTrees.ctx(src));
            assertEquals(3, formatVersion(a, g1), "a tree with chunk checksums (and whole-file digests) is format 3");
            Map<String, String> verified = digests();
            // The file on disk now differs from what was verified (same size): had the store read it, the check
            // against its digest would have failed it. Taken by digest, the generation holds the verified content.
            byte[] other = TestTrees.random(3, orders.length);
            write("orders.sql", other);
            byte[] grown = TestTrees.dumpText(2, 21_000);
            write("items.sql", grown);
            verified.put("data/items.sql", Sha256.hex(Sha256.newDigest().digest(grown)));
            Generation g2 = a.store(request("b2", verified), TestTrees.ctx(src));
            assertArrayEquals(orders, restored(a, g2, "orders.sql"));
            assertArrayEquals(grown, restored(a, g2, "items.sql"));
            assertEquals(orders.length + grown.length, g2.logicalBytes());
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
        }
    }

    @Test
    @DisplayName("a file that no longer matches its verified digest fails the store and loses nothing")
    void changedAfterVerification() throws Exception {
        src = tmp.resolve("src");
        write("orders.sql", TestTrees.dumpText(1, 5_000));
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g1 = a.store(request("b1", digests()), TestTrees.ctx(src));
            Map<String, String> verified = digests();
            byte[] changed = TestTrees.dumpText(7, 5_000);
            write("orders.sql", changed); // a new size: not taken from g1, so read and checked
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> a.store(request("b2", verified), TestTrees.ctx(src)));
            assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
            assertTrue(e.getMessage().contains("orders.sql") && e.getMessage().contains("changed after it was verified"),
                    e.getMessage());
            assertEquals(List.of(g1), a.generations());
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
            // The first store read and checked the file, so its digest is trusted from then on.
            assertArrayEquals(TestTrees.dumpText(1, 5_000), restored(a, g1, "orders.sql"));
        }
    }

    @Test
    @DisplayName("without a digest in the previous generation, or without verified digests, files are read")
    void readWhenNothingToTrust() throws Exception {
        src = tmp.resolve("src");
        byte[] first = TestTrees.dumpText(1, 5_000);
        write("orders.sql", first);
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g1 = a.store(TestTrees.request(src, "b1", Instant.parse("2026-11-25T10:00:00Z")),
                    TestTrees.ctx(src));
            assertEquals(3, formatVersion(a, g1), "a tree with chunk checksums is format 3");
            Map<String, String> verified = digests();
            // g1 recorded no digest, so b2 reads the file and checks it: the changed content fails the store.
            write("orders.sql", TestTrees.random(9, first.length));
            assertThrows(ResilienceException.class, () -> a.store(request("b2", verified), TestTrees.ctx(src)));
            // A store without verified digests reads what is there.
            Generation g3 = a.store(TestTrees.request(src, "b3", Instant.parse("2026-11-25T11:00:00Z")),
                    TestTrees.ctx(src));
            assertArrayEquals(TestTrees.random(9, first.length), restored(a, g3, "orders.sql"));
        }
    }

    @Test
    @DisplayName("a verified digest that is not a hex SHA-256 is refused when the request is made")
    void badDigest() {
        Path dir = tmp.resolve("src");
        assertThrows(IllegalArgumentException.class, () -> TestTrees.request(dir, "b1", Instant.EPOCH)
                .withVerifiedDigests(Map.of("data/x", "not-hex")));
    }
}
