package org.resilient.archive.tree;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Writes tree entries, in path order, to a stream. */
public final class TreeWriter {
    private final DataOutputStream out;

    /**
     * Creates a writer.
     *
     * @param out the (compressing) stream
     */
    public TreeWriter(OutputStream out) {
        this.out = new DataOutputStream(out);
    }

    /**
     * Writes one entry.
     *
     * @param e the entry
     * @throws IOException on failure
     */
    public void write(TreeEntry e) throws IOException {
        out.writeByte(e.type().ordinal() + 1);
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
}
