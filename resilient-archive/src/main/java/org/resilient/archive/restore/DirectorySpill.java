package org.resilient.archive.restore;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.support.fs.FileModes;

/**
 * The directories of a restore, kept for the end, when their modes and times are set deepest first: in blocks of
 * {@value #BLOCK}, all but the newest written to a file beside the restore, so a tree of millions of directories
 * holds one block in memory (and a position per block), not every directory.
 */
final class DirectorySpill implements AutoCloseable {
    private static final int BLOCK = 4096;

    /** What a directory needs at the end. */
    record Dir(String path, int mode, long mtimeSeconds, int mtimeNanos) {
    }

    /** What is done with each directory. */
    interface DirAction {
        void apply(Dir d) throws IOException;
    }

    private final Path file;
    private final List<Dir> block = new ArrayList<>();
    private final List<Long> blockStarts = new ArrayList<>();
    private FileChannel channel;
    private DataOutputStream out;

    /**
     * A spill.
     *
     * @param file where blocks go once there is more than one (created only then; removed by {@link #close})
     */
    DirectorySpill(Path file) {
        this.file = file;
    }

    /** Adds a directory, in tree order. */
    void add(TreeEntry e) throws IOException {
        block.add(new Dir(e.path(), e.mode(), e.mtimeSeconds(), e.mtimeNanos()));
        if (block.size() == BLOCK) {
            spill();
        }
    }

    /** Gives every directory, the last added first (so children before their parents). */
    void forEachReversed(DirAction action) throws IOException {
        for (int i = block.size() - 1; i >= 0; i--) {
            action.apply(block.get(i));
        }
        if (out == null) {
            return;
        }
        out.flush();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int b = blockStarts.size() - 1; b >= 0; b--) {
                ch.position(blockStarts.get(b));
                DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16));
                List<Dir> dirs = new ArrayList<>(BLOCK);
                for (int i = 0; i < BLOCK; i++) {
                    dirs.add(new Dir(in.readUTF(), in.readInt(), in.readLong(), in.readInt()));
                }
                for (int i = dirs.size() - 1; i >= 0; i--) {
                    action.apply(dirs.get(i));
                }
            }
        }
    }

    private void spill() throws IOException {
        if (out == null) {
            // Names of files: private like the rest.
            channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    FileModes.fileAttribute());
            out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
        }
        out.flush();
        blockStarts.add(channel.position());
        for (Dir d : block) {
            out.writeUTF(d.path());
            out.writeInt(d.mode());
            out.writeLong(d.mtimeSeconds());
            out.writeInt(d.mtimeNanos());
        }
        block.clear();
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
        Files.deleteIfExists(file);
    }
}
