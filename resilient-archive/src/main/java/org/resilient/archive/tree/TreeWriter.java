package org.resilient.archive.tree;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Writes tree entries, in path order, to a stream. */
public final class TreeWriter {
    /** The entry type codes of a plain file, a directory and a symbolic link (written on disk: never renumber). */
    static final int FILE = 1;
    static final int DIRECTORY = 2;
    static final int SYMLINK = 3;
    /** The entry type code of a file with a whole-file digest. */
    static final int FILE_WITH_DIGEST = 4;
    /** The entry type code of a file with chunk checksums (generation format 3). */
    static final int FILE_WITH_CHECKS = 5;
    /** The entry type code of a file with chunk checksums and a whole-file digest (generation format 3). */
    static final int FILE_WITH_CHECKS_AND_DIGEST = 6;
    /**
     * The entry type code of a file with its inode and change time (generation format 4): a flags byte follows the
     * code ({@link #HAS_DIGEST}, {@link #HAS_CHECKS}), and the inode and change time follow everything else.
     */
    static final int FILE_WITH_STAT = 7;
    static final int HAS_DIGEST = 1;
    static final int HAS_CHECKS = 2;
    private final DataOutputStream out;

    /**
     * Creates a writer.
     *
     * @param out the (compressing) stream
     */
    public TreeWriter(OutputStream out) {
        // Buffered: each field would otherwise be a write of a few bytes into the stream below, a JNI call into
        // zstd per field, which was the largest cost of storing an unchanged tree of many small files.
        this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
    }

    /**
     * Writes one entry.
     *
     * @param e the entry
     * @throws IOException on failure
     */
    public void write(TreeEntry e) throws IOException {
        // A file with a whole-file digest is type 4 (generation format 2): the FILE fields, then the digest. With
        // chunk checksums it is type 6, or 5 without a digest (format 3): the checksums follow the chunk list.
        boolean file = e.type() == TreeEntry.Type.FILE;
        boolean digest = file && e.hasDigest();
        boolean checks = file && e.hasChecks();
        boolean stat = file && e.stat() != null;
        if (stat) {
            out.writeByte(FILE_WITH_STAT);
            out.writeByte((digest ? HAS_DIGEST : 0) | (checks ? HAS_CHECKS : 0));
        } else {
            out.writeByte(checks ? (digest ? FILE_WITH_CHECKS_AND_DIGEST : FILE_WITH_CHECKS)
                    : digest ? FILE_WITH_DIGEST : code(e.type()));
        }
        out.writeUTF(e.path());
        out.writeInt(e.mode());
        out.writeLong(e.mtimeSeconds());
        out.writeInt(e.mtimeNanos());
        switch (e.type()) {
            case FILE -> {
                out.writeLong(e.size());
                out.writeInt(e.lengths().length);
                for (int i = 0; i < e.lengths().length; i++) {
                    out.write(e.hashes(), i * 32, 32);
                    out.writeInt(e.lengths()[i]);
                }
                if (checks) {
                    for (long c : e.checks()) {
                        out.writeLong(c);
                    }
                }
                if (digest) {
                    out.write(e.digest());
                }
                if (stat) {
                    out.writeLong(e.stat().inode());
                    out.writeLong(e.stat().ctimeNanos());
                }
            }
            case SYMLINK -> out.writeUTF(e.linkTarget());
            default -> { }
        }
    }

    /**
     * Writes the end marker and flushes.
     *
     * @throws IOException on failure
     */
    public void finish() throws IOException {
        out.writeByte(0);
        out.flush();
    }

    /** The on-disk code of a type; written out rather than the enum's ordinal, which moves if the enum changes. */
    private static int code(TreeEntry.Type type) {
        return switch (type) {
            case FILE -> FILE;
            case DIRECTORY -> DIRECTORY;
            case SYMLINK -> SYMLINK;
        };
    }

    /**
     * The type of an on-disk code from 1 to 3.
     *
     * @param code the code
     * @return the type
     */
    static TreeEntry.Type type(int code) {
        return switch (code) {
            case FILE -> TreeEntry.Type.FILE;
            case DIRECTORY -> TreeEntry.Type.DIRECTORY;
            case SYMLINK -> TreeEntry.Type.SYMLINK;
            default -> throw new IllegalArgumentException("no entry type has code " + code);
        };
    }
}
