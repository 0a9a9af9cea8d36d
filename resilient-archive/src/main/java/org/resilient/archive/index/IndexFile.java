package org.resilient.archive.index;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackVersionException;
import org.resilient.archive.repo.AtomicFiles;

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
            MessageDigest md = Hashes.newDigest();
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
        MessageDigest md = Hashes.newDigest();
        try (InputStream raw = Files.newInputStream(file)) {
            long body = Files.size(file) - 32;
            // The digest sees the body in large blocks (buffering above it, not below): fed one byte at a time
            // it cost more than everything else of opening the archive. The body ends where the sum starts,
            // so the buffer never reads the sum into the digest.
            LimitedInput limited = new LimitedInput(raw, Math.max(0, body));
            DataInputStream in = new DataInputStream(new BufferedInputStream(new DigestInputStream(limited, md),
                    1 << 16));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new PackDamagedException("index file " + file.getFileName() + " has a bad header");
            }
            int version = in.readUnsignedByte();
            if (version > VERSION) {
                throw new PackVersionException("index file " + file.getFileName() + " has format version "
                        + version + ", newer than " + VERSION);
            }
            int packs = in.readInt();
            if (packs < 0) {
                throw new PackDamagedException("index file " + file.getFileName() + " is damaged");
            }
            List<PackEntries> result = new ArrayList<>();
            for (int p = 0; p < packs; p++) {
                String name = in.readUTF();
                long size = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > 1 << 26 || !name.matches("[0-9a-f]{32}")) {
                    throw new PackDamagedException("index file " + file.getFileName() + " is damaged");
                }
                byte[] hashes = new byte[n * 32];
                long[] offsets = new long[n];
                int[] stored = new int[n];
                int[] rawLengths = new int[n];
                byte[] flags = new byte[n];
                for (int i = 0; i < n; i++) {
                    in.readFully(hashes, i * 32, 32);
                    offsets[i] = in.readLong();
                    stored[i] = in.readInt();
                    rawLengths[i] = in.readInt();
                    flags[i] = in.readByte();
                }
                result.add(new PackEntries(name, size, hashes, offsets, stored, rawLengths, flags));
            }
            boolean bodyDone = in.read() == -1;
            byte[] expected = md.digest();
            byte[] sum = new byte[32];
            raw.readNBytes(sum, 0, 32);
            if (!bodyDone || !Arrays.equals(expected, sum) || raw.read() != -1) {
                throw new PackDamagedException("index file " + file.getFileName() + " fails its checksum");
            }
            return result;
        } catch (EOFException e) {
            throw new PackDamagedException("index file " + file.getFileName() + " is truncated");
        }
    }

    /** Reads at most a given number of bytes of a stream. */
    private static final class LimitedInput extends java.io.FilterInputStream {
        private long left;

        LimitedInput(InputStream in, long limit) {
            super(in);
            left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("not supported");
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
