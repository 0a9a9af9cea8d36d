package org.resilient.archive.restore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.repo.Layout;

/**
 * Open pack files shared by reader threads (positional reads are thread-safe on a FileChannel). Each pack is
 * opened once and kept open until {@link #close()}: a pack removed by a concurrent prune after it was opened
 * is still read whole; one removed before raises {@link PackGoneException}.
 */
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
     * The archive the packs belong to.
     *
     * @return its layout
     */
    public Layout layout() {
        return layout;
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
                try {
                    ch = FileChannel.open(layout.pack(index.packName(pack)), StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    throw new PackGoneException(index.packName(pack), e.getFile());
                }
                open.put(pack, ch);
            }
            return ch;
        }
    }

    /**
     * A pack that the index listed (so it was there when the index was loaded) is gone: removed by a prune
     * running at the same time, as readers take no lock. Packs are never changed in place, only removed, and
     * a pack once opened stays readable until closed, so this is the only way a concurrent prune shows.
     */
    public static final class PackGoneException extends NoSuchFileException {
        private static final long serialVersionUID = 1L;
        private final String pack;

        PackGoneException(String pack, String file) {
            super(file, null, "pack " + pack + " was removed after the archive's index was read (by a prune?)");
            this.pack = pack;
        }

        /**
         * The pack's name.
         *
         * @return the name
         */
        public String pack() {
            return pack;
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
