package org.resilient.archive.pack;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import org.resilient.archive.index.ChunkCheck;
import org.resilient.support.hash.Sha256;

/** Reads packs: their trailers, and single chunks (decompressed and checked against their hash). */
public final class PackReader {
    // One decompression context per thread: creating one per chunk costs more than decompressing it.
    private static final ThreadLocal<ZstdDecompressCtx> DECOMPRESSOR = ThreadLocal.withInitial(ZstdDecompressCtx::new);

    private PackReader() {
    }

    /**
     * Reads the trailer of a pack.
     *
     * @param file the pack file
     * @return its entries
     * @throws PackDamagedException if the trailer is missing, truncated or fails its checksum
     * @throws IOException if the file cannot be read
     */
    public static PackEntries readTrailer(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - PackFormat.SUFFIX.length());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < PackFormat.HEADER + PackFormat.TAIL) {
                throw new PackDamagedException("pack is truncated (" + size + " bytes)");
            }
            ByteBuffer head = readAt(ch, 0, PackFormat.HEADER);
            byte[] magic = new byte[PackFormat.MAGIC.length];
            head.get(magic);
            if (!Arrays.equals(magic, PackFormat.MAGIC)) {
                throw new PackDamagedException("not a pack (bad header)");
            }
            int version = head.get() & 0xff;
            if (version > PackFormat.VERSION) {
                throw new PackVersionException("pack format version " + version + " is newer than "
                        + PackFormat.VERSION + " understood by this build");
            }
            ByteBuffer tail = readAt(ch, size - PackFormat.TAIL, PackFormat.TAIL);
            int count = tail.getInt();
            byte[] sum = new byte[32];
            tail.get(sum);
            byte[] end = new byte[4];
            tail.get(end);
            long entriesLength = (long) count * PackFormat.ENTRY;
            if (!Arrays.equals(end, PackFormat.END) || count < 0
                    || entriesLength > size - PackFormat.HEADER - PackFormat.TAIL) {
                throw new PackDamagedException("pack trailer is missing or damaged (truncated pack?)");
            }
            long entriesStart = size - PackFormat.TAIL - entriesLength;
            ByteBuffer entries = readAt(ch, entriesStart, (int) entriesLength + 4);
            MessageDigest md = Sha256.newDigest();
            md.update(entries.duplicate());
            if (!Arrays.equals(md.digest(), sum)) {
                throw new PackDamagedException("pack trailer fails its checksum");
            }
            PackEntries decoded = PackEntries.decode(name, size, entries, count);
            for (int i = 0; i < count; i++) {
                long offset = decoded.offsets()[i];
                int stored = decoded.storedLengths()[i];
                if (offset < PackFormat.HEADER || stored < 0 || decoded.rawLengths()[i] <= 0
                        || offset + stored > entriesStart) {
                    throw new PackDamagedException("pack trailer entry " + i + " points outside the pack");
                }
            }
            return decoded;
        }
    }

    /**
     * Reads a chunk's stored bytes, decompresses them and checks the hash.
     *
     * @param ch the open pack
     * @param offset where the stored bytes start
     * @param storedLength how many
     * @param rawLength the content length
     * @param compressed whether they are a zstd frame
     * @param hash the expected SHA-256
     * @param out receives the content
     * @param outOffset where in {@code out}
     * @throws PackDamagedException if the bytes are short, do not decompress or do not match the hash
     * @throws IOException on a read failure
     */
    public static void readChunk(FileChannel ch, long offset, int storedLength, int rawLength, boolean compressed,
                                 byte[] hash, byte[] out, int outOffset) throws IOException {
        ByteBuffer stored = ByteBuffer.allocate(storedLength);
        while (stored.hasRemaining()) {
            int r = ch.read(stored, offset + stored.position());
            if (r < 0) {
                throw new PackDamagedException("pack ends before the chunk at offset " + offset + " (truncated)");
            }
        }
        decode(stored.array(), storedLength, rawLength, compressed, hash, out, outOffset);
    }

    /**
     * Decompresses stored bytes and checks the hash.
     *
     * @param stored the stored bytes
     * @param storedLength how many
     * @param rawLength the content length
     * @param compressed whether they are a zstd frame
     * @param hash the expected SHA-256
     * @param out receives the content
     * @param outOffset where in {@code out}
     * @throws PackDamagedException if they do not decompress or do not match
     */
    public static void decode(byte[] stored, int storedLength, int rawLength, boolean compressed, byte[] hash,
                              byte[] out, int outOffset) throws PackDamagedException {
        decode(stored, 0, storedLength, rawLength, compressed, hash, out, outOffset);
    }

    /**
     * Decompresses stored bytes found at an offset of an array and checks the hash.
     *
     * @param stored the array holding the stored bytes
     * @param storedOffset where they start
     * @param storedLength how many
     * @param rawLength the content length
     * @param compressed whether they are a zstd frame
     * @param hash the expected SHA-256
     * @param out receives the content
     * @param outOffset where in {@code out}
     * @throws PackDamagedException if they do not decompress or do not match
     */
    public static void decode(byte[] stored, int storedOffset, int storedLength, int rawLength, boolean compressed,
                              byte[] hash, byte[] out, int outOffset) throws PackDamagedException {
        if (compressed) {
            long n;
            try {
                n = DECOMPRESSOR.get().decompressByteArray(out, outOffset, rawLength, stored, storedOffset, storedLength);
            } catch (RuntimeException e) {
                throw undecompressable(e);
            }
            checkLengths(n, rawLength);
        } else {
            checkLengths(storedLength, rawLength);
            System.arraycopy(stored, storedOffset, out, outOffset, rawLength);
        }
        if (!Arrays.equals(Sha256.sha256(out, outOffset, rawLength), hash)) {
            throw new PackDamagedException("chunk content does not match its SHA-256 " + Sha256.hex(hash));
        }
    }

    /**
     * Decompresses stored bytes held in a direct buffer and checks the content, with the caller's decompression
     * context, digest and checksum (the restore path: pack bytes are read into a direct buffer without a copy
     * through the heap, and nothing is allocated per chunk). The content is checked against the {@link ChunkCheck}
     * value its generation recorded when {@code check} is given, else against its SHA-256. It goes to a heap array
     * because hashing a direct buffer copies it again in small pieces, and costs the JIT far more to compile.
     *
     * @param zstd the decompression context of this thread
     * @param md the SHA-256 digest of this thread (reset on return)
     * @param stored direct buffer holding the stored bytes
     * @param storedOffset where they start
     * @param storedLength how many
     * @param rawLength the content length
     * @param compressed whether they are a zstd frame
     * @param hashes array holding the expected SHA-256
     * @param hashOffset where in {@code hashes} it starts
     * @param out receives the content
     * @param outOffset where in {@code out}
     * @param digest 32 bytes of scratch space for the computed hash
     * @param check this thread's checksum, or null to check the SHA-256
     * @param expected the checksum the generation recorded (with {@code check})
     * @throws PackDamagedException if they do not decompress or do not match
     */
    public static void decode(ZstdDecompressCtx zstd, MessageDigest md, ByteBuffer stored, int storedOffset,
                              int storedLength, int rawLength, boolean compressed, byte[] hashes, int hashOffset,
                              byte[] out, int outOffset, byte[] digest, ChunkCheck check, long expected)
            throws PackDamagedException {
        if (compressed) {
            int n;
            try {
                n = zstd.decompressDirectByteBufferToByteArray(out, outOffset, rawLength, stored, storedOffset,
                        storedLength);
            } catch (RuntimeException e) {
                throw undecompressable(e);
            }
            checkLengths(n, rawLength);
        } else {
            checkLengths(storedLength, rawLength);
            stored.get(storedOffset, out, outOffset, rawLength);
        }
        if (check != null) {
            long found = check.of(out, outOffset, rawLength);
            if (found != expected) {
                throw new PackDamagedException("chunk content does not match the checksum its generation recorded ("
                        + ChunkCheck.hex(found) + " instead of " + ChunkCheck.hex(expected) + ", chunk "
                        + Sha256.hex(Arrays.copyOfRange(hashes, hashOffset, hashOffset + 32)) + ")");
            }
            return;
        }
        md.update(out, outOffset, rawLength);
        try {
            md.digest(digest, 0, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest does not fit 32 bytes", e);
        }
        if (!Arrays.equals(digest, 0, 32, hashes, hashOffset, hashOffset + 32)) {
            throw new PackDamagedException("chunk content does not match its SHA-256 "
                    + Sha256.hex(Arrays.copyOfRange(hashes, hashOffset, hashOffset + 32)));
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new PackDamagedException("pack is truncated");
            }
        }
        return b.flip();
    }

    private static PackDamagedException undecompressable(RuntimeException e) {
        return new PackDamagedException("chunk does not decompress: " + e.getMessage());
    }

    /** The content length found (decompressed, or stored raw) must be the one the index records. */
    private static void checkLengths(long found, int rawLength) throws PackDamagedException {
        if (found != rawLength) {
            throw new PackDamagedException("chunk content is " + found + " bytes, not the " + rawLength
                    + " bytes recorded for it");
        }
    }
}
