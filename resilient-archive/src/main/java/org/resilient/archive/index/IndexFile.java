package org.resilient.archive.index;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackVersionException;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.hash.Sha256;

/**
 * An index file: the trailers of some packs, copied so that opening the archive reads a few index files
 * instead of every pack. Format: {@code "RSIDX" version, count, per pack (name, size, entries), sha256}.
 */
public final class IndexFile {
    /** Format version. */
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "RSIDX".getBytes(StandardCharsets.US_ASCII);

    private IndexFile() {
    }

    /**
     * Writes an index file atomically.
     *
     * @param file the target
     * @param packs the packs to list
     * @throws IOException on failure
     */
    public static void write(Path file, Collection<PackEntries> packs) throws IOException {
        AtomicFiles.write(file, raw -> {
            MessageDigest md = Sha256.newDigest();
            DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, md));
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(packs.size());
            for (PackEntries p : packs) {
                out.writeUTF(p.name());
                out.writeLong(p.packSize());
                out.writeInt(p.count());
                for (int i = 0; i < p.count(); i++) {
                    out.write(p.hashes(), i * 32, 32);
                    out.writeLong(p.offsets()[i]);
                    out.writeInt(p.storedLengths()[i]);
                    out.writeInt(p.rawLengths()[i]);
                    out.writeByte(p.flags()[i]);
                }
            }
            out.flush();
            raw.write(md.digest());
        });
    }

    /**
     * Reads an index file.
     *
     * @param file the file
     * @return the packs it lists
     * @throws PackDamagedException if it is damaged; {@link PackVersionException} if it is newer
     * @throws IOException on a read failure
     */
    public static List<PackEntries> read(Path file) throws IOException {
        MessageDigest md = Sha256.newDigest();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // The body (everything before the 32-byte sum) is read in blocks, each digested with one call and
            // parsed from the array: read through DataInputStream and DigestInputStream, a byte at a time, it
            // cost more than everything else of opening the archive.
            Blocks in = new Blocks(ch, Math.max(0, ch.size() - 32), md);
            byte[] magic = new byte[MAGIC.length];
            in.get(magic, 0, magic.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new PackDamagedException("index file " + file.getFileName() + " has a bad header");
            }
            int version = in.getByte() & 0xff;
            if (version > VERSION) {
                throw new PackVersionException("index file " + file.getFileName() + " has format version "
                        + version + ", newer than " + VERSION);
            }
            int packs = in.getInt();
            if (packs < 0) {
                throw new PackDamagedException("index file " + file.getFileName() + " is damaged");
            }
            List<PackEntries> result = new ArrayList<>();
            for (int p = 0; p < packs; p++) {
                String name = in.getUtf();
                long size = in.getLong();
                int n = in.getInt();
                if (n < 0 || n > 1 << 26 || !isPackName(name)) {
                    throw new PackDamagedException("index file " + file.getFileName() + " is damaged");
                }
                byte[] hashes = new byte[n * 32];
                long[] offsets = new long[n];
                int[] stored = new int[n];
                int[] rawLengths = new int[n];
                byte[] flags = new byte[n];
                for (int i = 0; i < n; i++) {
                    ByteBuffer e = in.entry(ENTRY);
                    e.get(hashes, i * 32, 32);
                    offsets[i] = e.getLong();
                    stored[i] = e.getInt();
                    rawLengths[i] = e.getInt();
                    flags[i] = e.get();
                }
                result.add(new PackEntries(name, size, hashes, offsets, stored, rawLengths, flags));
            }
            boolean bodyDone = in.atEnd();
            byte[] expected = md.digest();
            ByteBuffer sum = ByteBuffer.allocate(33);
            long at = in.bodyLength();
            while (sum.hasRemaining()) {
                int r = ch.read(sum, at + sum.position());
                if (r < 0) {
                    break;
                }
            }
            // exactly 32 bytes must follow the body: the sum, and nothing after it
            if (!bodyDone || sum.position() != 32
                    || !Arrays.equals(expected, 0, 32, sum.array(), 0, 32)) {
                throw new PackDamagedException("index file " + file.getFileName() + " fails its checksum");
            }
            return result;
        } catch (EOFException e) {
            throw new PackDamagedException("index file " + file.getFileName() + " is truncated");
        }
    }

    private static final int ENTRY = 32 + 8 + 4 + 4 + 1;

    private static boolean isPackName(String name) {
        if (name.length() != 32) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The body of an index file read in blocks: each block is digested as it is read, and values are taken
     * from it big-endian, as {@link DataOutputStream} wrote them.
     */
    private static final class Blocks {
        private static final int BLOCK = 1 << 16;
        private final FileChannel ch;
        private final long length;
        private final MessageDigest md;
        private final ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        private long read;

        Blocks(FileChannel ch, long length, MessageDigest md) {
            this.ch = ch;
            this.length = length;
            this.md = md;
            buf.flip();
        }

        long bodyLength() {
            return length;
        }

        /** Makes at least {@code n} bytes (at most a block) available, or throws EOFException. */
        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            buf.compact();
            while (buf.position() < n) {
                int want = (int) Math.min(buf.remaining(), length - read);
                if (want <= 0) {
                    throw new EOFException();
                }
                int start = buf.position();
                buf.limit(start + want);
                int r = ch.read(buf, read);
                if (r < 0) {
                    throw new EOFException();
                }
                md.update(buf.array(), start, r);
                read += r;
                buf.limit(buf.capacity());
            }
            buf.flip();
        }

        ByteBuffer entry(int n) throws IOException {
            need(n);
            ByteBuffer e = buf.slice(buf.position(), n);
            buf.position(buf.position() + n);
            return e;
        }

        void get(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                need(1);
                int n = Math.min(len, buf.remaining());
                buf.get(b, off, n);
                off += n;
                len -= n;
            }
        }

        byte getByte() throws IOException {
            need(1);
            return buf.get();
        }

        int getInt() throws IOException {
            need(4);
            return buf.getInt();
        }

        long getLong() throws IOException {
            need(8);
            return buf.getLong();
        }

        /** A string as {@link DataOutputStream#writeUTF} wrote it (pack names are ASCII). */
        String getUtf() throws IOException {
            need(2);
            int len = buf.getShort() & 0xffff;
            byte[] b = new byte[len];
            get(b, 0, len);
            return new DataInputStream(new java.io.ByteArrayInputStream(
                    ByteBuffer.allocate(2 + len).putShort((short) len).put(b).array())).readUTF();
        }

        boolean atEnd() {
            return !buf.hasRemaining() && read == length;
        }
    }
}
