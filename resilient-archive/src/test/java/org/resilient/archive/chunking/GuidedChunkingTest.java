package org.resilient.archive.chunking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.support.hash.Sha256;

@DisplayName("Chunking guided by the previous version's chunk list")
class GuidedChunkingTest {
    private static final FastCdc CDC = new FastCdc(2048, 8192, 32768, 42);

    /** The chunks of one pass: content, hashes, lengths. */
    private record Cut(List<byte[]> chunks, byte[] hashes, int[] lengths, long guided) {
        PreviousChunks guide() {
            return PreviousChunks.of(hashes, lengths);
        }

        Set<String> hashSet() {
            Set<String> s = new HashSet<>();
            for (int i = 0; i < lengths.length; i++) {
                s.add(Sha256.hex(java.util.Arrays.copyOfRange(hashes, i * 32, i * 32 + 32)));
            }
            return s;
        }
    }

    private static final java.util.concurrent.ExecutorService HELPERS =
            java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "test-hash-helper");
                t.setDaemon(true);
                return t;
            });

    /** Cuts with and without helper threads; both must give the same chunks. */
    private static Cut cut(byte[] data, PreviousChunks guide) throws Exception {
        Cut alone = cut(data, guide, new FileChunker(CDC));
        Cut helped = cut(data, guide, new FileChunker(CDC, HELPERS));
        assertArrayEquals(alone.hashes(), helped.hashes(), "helpers change nothing");
        assertArrayEquals(alone.lengths(), helped.lengths(), "helpers change nothing");
        assertEquals(alone.guided(), helped.guided());
        return helped;
    }

    private static Cut cut(byte[] data, PreviousChunks guide, FileChunker chunker) throws Exception {
        List<byte[]> chunks = new ArrayList<>();
        ByteArrayOutputStream hashes = new ByteArrayOutputStream();
        List<Integer> lengths = new ArrayList<>();
        long read = chunker.chunk(new ByteArrayInputStream(data), guide, (buf, off, len, h) -> {
            byte[] c = java.util.Arrays.copyOfRange(buf, off, off + len);
            // The hash handed over is the chunk's real SHA-256, whichever way the chunk was found.
            assertArrayEquals(Sha256.sha256(c, 0, c.length), h);
            chunks.add(c);
            hashes.write(h);
            lengths.add(len);
        });
        assertEquals(data.length, read);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            assertTrue(c.length >= 1 && c.length <= CDC.max(), "chunk length " + c.length);
            all.write(c);
        }
        assertArrayEquals(data, all.toByteArray(), "the chunks are exactly the content");
        return new Cut(chunks, hashes.toByteArray(), lengths.stream().mapToInt(Integer::intValue).toArray(),
                chunker.guidedBytes());
    }

    private static byte[] dump(long seed, int rows) {
        StringBuilder b = new StringBuilder();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < rows; i++) {
            b.append(i).append('\t').append(r.nextLong()).append("\tcustomer ").append(r.nextInt(1000))
                    .append("\t2026-11-").append(1 + r.nextInt(28)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("an unchanged file follows its previous chunks entirely and cuts exactly as before")
    void unchanged() throws Exception {
        byte[] data = dump(1, 400_000); // larger than the chunker's buffer
        Cut first = cut(data, null);
        assertEquals(0, first.guided());
        Cut again = cut(data, first.guide());
        assertArrayEquals(first.hashes(), again.hashes());
        assertArrayEquals(first.lengths(), again.lengths());
        assertEquals(data.length, again.guided());
    }

    @Test
    @DisplayName("appended rows: every previous chunk is reused, the tail is cut by content")
    void appended() throws Exception {
        byte[] before = dump(2, 30_000);
        byte[] extra = dump(3, 2_000);
        byte[] after = new byte[before.length + extra.length];
        System.arraycopy(before, 0, after, 0, before.length);
        System.arraycopy(extra, 0, after, before.length, extra.length);
        Cut first = cut(before, null);
        Cut second = cut(after, first.guide());
        assertEquals(before.length, second.guided(), "the whole old content, including its last chunk");
        assertTrue(second.hashSet().containsAll(first.hashSet()));
    }

    @Test
    @DisplayName("an edit in the middle costs the chunks around it; guidance resumes after it")
    void editedInTheMiddle() throws Exception {
        byte[] before = dump(4, 60_000);
        byte[] after = before.clone();
        after[before.length / 2] ^= 0x01;
        after[before.length / 2 + 100] ^= 0x01;
        Cut first = cut(before, null);
        Cut second = cut(after, first.guide());
        Set<String> fresh = second.hashSet();
        fresh.removeAll(first.hashSet());
        assertTrue(fresh.size() <= 2, "new chunks: " + fresh.size());
        assertTrue(second.guided() > after.length * 0.4, "guided past the edit too: " + second.guided());
        // The cuts after the edit are the content-defined ones: same as cutting without a guide.
        Cut plain = cut(after, null);
        assertEquals(plain.hashSet(), second.hashSet());
    }

    @Test
    @DisplayName("an insertion shifts the content: cutting re-synchronises and follows the guide again")
    void insertion() throws Exception {
        byte[] before = dump(5, 60_000);
        byte[] insert = "inserted row that shifts everything after it\n".getBytes(StandardCharsets.UTF_8);
        int at = before.length / 3;
        byte[] after = new byte[before.length + insert.length];
        System.arraycopy(before, 0, after, 0, at);
        System.arraycopy(insert, 0, after, at, insert.length);
        System.arraycopy(before, at, after, at + insert.length, before.length - at);
        Cut first = cut(before, null);
        Cut second = cut(after, first.guide());
        Set<String> fresh = second.hashSet();
        fresh.removeAll(first.hashSet());
        assertTrue(fresh.size() <= 2, "new chunks: " + fresh.size());
        assertTrue(second.guided() > after.length / 2, "guided: " + second.guided());
    }

    @Test
    @DisplayName("a guide from unrelated content, or with impossible lengths, still gives a correct chunking")
    void wrongGuide() throws Exception {
        byte[] data = dump(6, 20_000);
        Cut other = cut(dump(7, 20_000), null);
        Cut guided = cut(data, other.guide());
        assertEquals(cut(data, null).hashSet(), guided.hashSet());
        byte[] hashes = new byte[3 * 32];
        new SplittableRandom(8).nextBytes(hashes);
        int[] lengths = {data.length * 2, 1, CDC.max()};
        cut(data, PreviousChunks.of(hashes, lengths));
        cut(new byte[0], PreviousChunks.of(hashes, lengths));
        cut(data, PreviousChunks.of(new byte[0], new int[0]));
    }

    @Test
    @DisplayName("a chunk list whose hashes and lengths disagree is refused")
    void mismatchedList() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PreviousChunks.of(new byte[33], new int[1]));
    }
}
