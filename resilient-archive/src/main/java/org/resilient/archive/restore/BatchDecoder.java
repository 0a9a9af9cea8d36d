package org.resilient.archive.restore;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import org.resilient.api.Damage;
import org.resilient.archive.index.ChunkCheck;
import org.resilient.archive.index.ChunkIndex;
import org.resilient.support.hash.Sha256;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.index.DamagedChunks;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackReader;
import org.resilient.archive.tree.TreeEntry;

/**
 * The working set of one restore thread: a decompression context, a digest, a direct buffer for stored bytes
 * read from packs and an array for the content to write, reused for every batch the thread does.
 *
 * <p>Pack bytes are read straight into the direct buffer (a heap buffer would be read through a temporary
 * direct one and copied), decompressed from there into the array, and checked there with one call per chunk:
 * against the {@link ChunkCheck} its generation recorded, or by its SHA-256 in generations without them.
 * Batches are kept small enough (see {@link Restorer}) that the content is still in the CPU cache when it is
 * hashed and when it is copied to the page cache.
 */
final class BatchDecoder implements AutoCloseable {
    private final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
    private final MessageDigest md = Sha256.newDigest();
    private final byte[] digest = new byte[32];
    private final ChunkCheck check = new ChunkCheck();
    private ByteBuffer in;
    private byte[] out;
    private ByteBuffer outView;

    BatchDecoder(int batchBytes) {
        in = ByteBuffer.allocateDirect(batchBytes);
        out = new byte[batchBytes];
        outView = ByteBuffer.wrap(out);
    }

    /**
     * Reads, decompresses and checks chunks {@code from} (inclusive) to {@code to} (exclusive) of a file into
     * the output buffer, from position 0.
     *
     * @param id the generation (for damage reports)
     * @param e the file
     * @param from first chunk
     * @param to end chunk
     * @param start the file offset of chunk {@code from}
     * @param rawBytes the content length of the chunks
     * @param index the index (read only while restoring, so no lock)
     * @param packs open packs
     * @return null if every chunk is good, else the damage (the output is then unusable)
     * @throws IOException on a read failure of the pack file itself
     */
    Damage decode(String id, TreeEntry e, int from, int to, long start, int rawBytes, RepoIndex index,
                  PackChannels packs) throws IOException {
        if (out.length < rawBytes) {
            out = new byte[rawBytes];
            outView = ByteBuffer.wrap(out);
        }
        ChunkIndex chunks = index.chunks();
        byte[] hashes = e.hashes();
        int[] lengths = e.lengths();
        // Content is checked against the checksums the generation recorded, or re-hashed where it has none.
        ChunkCheck checker = e.hasChecks() ? check : null;
        long[] checks = e.checks();
        int pos = 0;
        long offset = start;
        int c = from;
        while (c < to) {
            int slot = chunks.find(hashes, c * 32);
            if (slot < 0) {
                return new Damage(id, e.path(), offset, null, lengths[c] + " bytes unreadable: "
                        + ChunkProblems.structural(index, slot));
            }
            int pack = chunks.pack(slot);
            long runOffset = chunks.offset(slot);
            // Consecutive chunks of a file usually lie back to back in one pack: read such a run with one read.
            // Its slots are looked up again below; a lookup is far cheaper than keeping arrays per batch.
            int runEnd = c + 1;
            long runBytes = chunks.storedLength(slot);
            while (runEnd < to) {
                int next = chunks.find(hashes, runEnd * 32);
                if (next < 0 || chunks.pack(next) != pack || chunks.offset(next) != runOffset + runBytes
                        || runBytes + chunks.storedLength(next) > in.capacity()) {
                    break;
                }
                runBytes += chunks.storedLength(next);
                runEnd++;
            }
            if (in.capacity() < runBytes) {
                in = ByteBuffer.allocateDirect((int) runBytes);
            }
            int got = read(packs.get(pack), runOffset, (int) runBytes);
            int at = 0;
            for (int k = c; k < runEnd; k++) {
                int s = k == c ? slot : chunks.find(hashes, k * 32);
                int stored = chunks.storedLength(s);
                int raw = lengths[k];
                try {
                    if (at + stored > got) {
                        throw new PackDamagedException("pack ends before the chunk (truncated)");
                    }
                    if (raw < 0 || pos + raw > out.length) {
                        throw new PackDamagedException("chunk length " + raw + " does not fit the batch");
                    }
                    PackReader.decode(zstd, md, in, at, stored, raw, chunks.compressed(s), hashes, k * 32, out,
                            pos, digest, checker, checker == null ? 0 : checks[k]);
                } catch (PackDamagedException ex) {
                    md.reset();
                    DamagedChunks.record(packs.layout(), index.packName(pack), hashes, k * 32);
                    return new Damage(id, e.path(), offset, "packs/" + index.packName(pack) + ".pack",
                            raw + " bytes unreadable at pack offset " + chunks.offset(s) + ": " + ex.getMessage());
                }
                at += stored;
                pos += raw;
                offset += raw;
            }
            c = runEnd;
        }
        outView.clear().limit(pos);
        return null;
    }

    /**
     * The content decoded by the last successful {@link #decode}, positioned at 0.
     *
     * @return the buffer (a view; valid until the next decode)
     */
    ByteBuffer output() {
        return outView;
    }

    private int read(FileChannel ch, long position, int length) throws IOException {
        in.clear().limit(length);
        while (in.hasRemaining()) {
            if (ch.read(in, position + in.position()) < 0) {
                break; // a truncated pack: the chunks past its end are reported by the caller
            }
        }
        return in.position();
    }

    @Override
    public void close() {
        zstd.close();
    }
}
