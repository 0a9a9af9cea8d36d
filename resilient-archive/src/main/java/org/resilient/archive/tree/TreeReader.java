package org.resilient.archive.tree;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.resilient.archive.pack.PackDamagedException;

/** Reads tree entries back, one at a time (a generation's tree is never held whole in memory). */
public final class TreeReader implements AutoCloseable {
    private final DataInputStream in;

    /**
     * Creates a reader.
     *
     * @param in the (decompressed) tree stream
     */
    public TreeReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /**
     * Reads the next entry.
     *
     * @return the entry, or null at the end
     * @throws PackDamagedException if the tree is malformed
     * @throws IOException on a read failure
     */
    public TreeEntry next() throws IOException {
        try {
            int t = in.readUnsignedByte();
            if (t == 0) {
                return null;
            }
            if (t > TreeWriter.FILE_WITH_STAT) {
                throw new PackDamagedException("generation tree is malformed (entry type " + t + ")");
            }
            boolean withStat = t == TreeWriter.FILE_WITH_STAT;
            int flags = withStat ? in.readUnsignedByte() : 0;
            if ((flags & ~(TreeWriter.HAS_DIGEST | TreeWriter.HAS_CHECKS)) != 0) {
                throw new PackDamagedException("generation tree is malformed (entry flags " + flags + ")");
            }
            boolean withDigest = withStat ? (flags & TreeWriter.HAS_DIGEST) != 0
                    : t == TreeWriter.FILE_WITH_DIGEST || t == TreeWriter.FILE_WITH_CHECKS_AND_DIGEST;
            boolean withChecks = withStat ? (flags & TreeWriter.HAS_CHECKS) != 0 : t >= TreeWriter.FILE_WITH_CHECKS;
            TreeEntry.Type type = t >= TreeWriter.FILE_WITH_DIGEST ? TreeEntry.Type.FILE : TreeWriter.type(t);
            String path = in.readUTF();
            int mode = in.readInt();
            long sec = in.readLong();
            int nanos = in.readInt();
            if (type == TreeEntry.Type.FILE) {
                long size = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > 1 << 26) {
                    throw new PackDamagedException("generation tree is malformed (chunk count " + n + ")");
                }
                byte[] hashes = new byte[n * 32];
                int[] lengths = new int[n];
                long sum = 0;
                for (int i = 0; i < n; i++) {
                    in.readFully(hashes, i * 32, 32);
                    lengths[i] = in.readInt();
                    sum += lengths[i];
                }
                if (sum != size) {
                    throw new PackDamagedException("generation tree is malformed (chunks of " + path
                            + " do not add up to its size)");
                }
                long[] checks = new long[withChecks ? n : 0];
                for (int i = 0; i < checks.length; i++) {
                    checks[i] = in.readLong();
                }
                byte[] digest = new byte[withDigest ? 32 : 0];
                in.readFully(digest);
                TreeEntry.Stat stat = withStat ? new TreeEntry.Stat(in.readLong(), in.readLong()) : null;
                return new TreeEntry(path, type, mode, sec, nanos, size, null, hashes, lengths, digest, checks, stat);
            }
            String target = type == TreeEntry.Type.SYMLINK ? in.readUTF() : null;
            return new TreeEntry(path, type, mode, sec, nanos, 0, target, new byte[0], new int[0]);
        } catch (EOFException e) {
            throw new PackDamagedException("generation tree is truncated");
        }
    }

    /**
     * Closes the stream (and frees the native memory of its decompressor).
     *
     * @throws IOException on failure
     */
    @Override
    public void close() throws IOException {
        in.close();
    }
}
