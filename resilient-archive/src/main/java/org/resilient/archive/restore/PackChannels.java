package org.resilient.archive.restore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.repo.Layout;

/** Open pack files shared by reader threads (positional reads are thread-safe on a FileChannel). */
public final class PackChannels implements AutoCloseable {
    private final Layout layout;
    private final RepoIndex index;
    private final ConcurrentHashMap<Integer, FileChannel> open = new ConcurrentHashMap<>();

    /**
     * Creates the cache.
     *
     * @param layout the archive
     * @param index its index (for pack names)
     */
    public PackChannels(Layout layout, RepoIndex index) {
        this.layout = layout;
        this.index = index;
    }

    /**
     * The open channel of a pack.
     *
     * @param pack the pack number
     * @return the channel
     * @throws IOException if it cannot be opened
     */
    public FileChannel get(int pack) throws IOException {
        FileChannel ch = open.get(pack);
        if (ch != null) {
            return ch;
        }
        synchronized (this) {
            ch = open.get(pack);
            if (ch == null) {
                ch = FileChannel.open(layout.pack(index.packName(pack)), StandardOpenOption.READ);
                open.put(pack, ch);
            }
            return ch;
        }
    }

    @Override
    public void close() {
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                // read-only: nothing lost
            }
        }
        open.clear();
    }
}
