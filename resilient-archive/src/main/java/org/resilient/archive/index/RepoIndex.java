package org.resilient.archive.index;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackFormat;
import org.resilient.archive.pack.PackReader;
import org.resilient.archive.pack.PackVersionException;
import org.resilient.archive.repo.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive's packs and the chunk index built from the index files and, for packs no index file lists
 * (written by an interrupted store, or after the index was deleted), from the packs' own trailers.
 * Records which packs are missing, of the wrong size, or unreadable.
 */
public final class RepoIndex {
    private static final Logger LOG = LoggerFactory.getLogger(RepoIndex.class);

    /** The state of a pack. */
    public enum PackState {
        /** Present with the size its index says. */
        OK,
        /** Listed in an index file but not on disk. */
        MISSING,
        /** On disk with another size than its index says (truncated or appended to). */
        WRONG_SIZE,
        /** On disk, in no index, and its trailer cannot be read. */
        UNREADABLE,
        /** Being written by the current store. */
        WRITING
    }

    private final ChunkIndex chunks;
    private final List<String> names = new ArrayList<>();
    private final List<PackState> states = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> numbers = new HashMap<>();
    private final List<PackEntries> unindexed = new ArrayList<>();
    private final List<Path> indexFiles = new ArrayList<>();
    private long uniqueBytes;

    private RepoIndex(int expected) {
        chunks = new ChunkIndex(expected);
    }

    /**
     * Loads the index of an archive.
     *
     * @param layout the archive
     * @return the index
     * @throws ResilienceException {@code ARCHIVE_VERSION} if an index file or pack is of a newer format,
     *     {@code IO_ERROR} if the directories cannot be read
     */
    public static RepoIndex load(Layout layout) {
        try {
            TreeMap<String, Long> onDisk = new TreeMap<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.packs(), "*" + PackFormat.SUFFIX)) {
                for (Path p : ds) {
                    String f = p.getFileName().toString();
                    if (!f.startsWith(".")) {
                        onDisk.put(f.substring(0, f.length() - PackFormat.SUFFIX.length()), Files.size(p));
                    }
                }
            }
            List<Path> idx = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.index(), "*.idx")) {
                for (Path p : ds) {
                    if (!p.getFileName().toString().startsWith(".")) {
                        idx.add(p);
                    }
                }
            } catch (NoSuchFileException e) {
                LOG.warn("the archive's index directory {} is missing; rebuilding the index from the packs",
                        layout.index());
            }
            idx.sort(null);
            List<List<PackEntries>> lists = new ArrayList<>();
            long total = 0;
            RepoIndex r = new RepoIndex(0);
            for (Path f : idx) {
                try {
                    List<PackEntries> l = IndexFile.read(f);
                    lists.add(l);
                    total += l.stream().mapToLong(PackEntries::count).sum();
                    r.indexFiles.add(f);
                } catch (PackVersionException e) {
                    throw new ResilienceException(ErrorCode.ARCHIVE_VERSION, e.getMessage()
                            + "; use a newer resilient to read the archive " + layout.root());
                } catch (PackDamagedException e) {
                    LOG.warn("{}; ignoring it, its packs are read from their trailers", e.getMessage());
                    r.problems.add(e.getMessage());
                }
            }
            r = r.withCapacity((int) Math.min(Integer.MAX_VALUE / 8, total + 1024));
            // Packs present on disk are registered first so their entries win over stale index entries.
            for (List<PackEntries> l : lists) {
                for (PackEntries p : l) {
                    if (!r.numbers.containsKey(p.name())) {
                        Long size = onDisk.get(p.name());
                        PackState state = size == null ? PackState.MISSING
                                : size == p.packSize() ? PackState.OK : PackState.WRONG_SIZE;
                        r.register(p, state);
                    }
                }
            }
            for (Map.Entry<String, Long> e : onDisk.entrySet()) {
                if (!r.numbers.containsKey(e.getKey())) {
                    Path file = layout.pack(e.getKey());
                    try {
                        PackEntries p = PackReader.readTrailer(file);
                        LOG.info("pack {} is in no index file (left by an interrupted store, or the index was "
                                + "deleted): read its {} chunks from its trailer", e.getKey(), p.count());
                        r.register(p, PackState.OK);
                        r.unindexed.add(p);
                    } catch (PackVersionException ex) {
                        throw new ResilienceException(ErrorCode.ARCHIVE_VERSION, "pack " + file + ": "
                                + ex.getMessage() + "; use a newer resilient");
                    } catch (PackDamagedException ex) {
                        r.register(new PackEntries(e.getKey(), e.getValue(), new byte[0], new long[0],
                                new int[0], new int[0], new byte[0]), PackState.UNREADABLE);
                        LOG.warn("pack {} is in no index file and its trailer cannot be read: {}", e.getKey(),
                                ex.getMessage());
                    }
                }
            }
            return r;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read the archive at " + layout.root()
                    + ": " + e.getMessage(), e);
        }
    }

    private RepoIndex withCapacity(int expected) {
        RepoIndex r = new RepoIndex(expected);
        r.indexFiles.addAll(indexFiles);
        r.problems.addAll(problems);
        return r;
    }

    private void register(PackEntries p, PackState state) {
        int no = addPack(p.name(), state, p.packSize());
        byte[] hashes = p.hashes();
        for (int i = 0; i < p.count(); i++) {
            int slot = chunks.find(hashes, i * 32);
            if (slot >= 0 && (usable(slot) || state != PackState.OK)) {
                continue;
            }
            if (slot < 0) {
                uniqueBytes += p.rawLengths()[i];
            }
            chunks.put(hashes, i * 32, no, p.offsets()[i], p.storedLengths()[i], p.rawLengths()[i],
                    p.compressed(i));
        }
    }

    /**
     * Adds a pack (e.g. one the current store is writing).
     *
     * @param name its name
     * @param state its state
     * @param size its size
     * @return its number
     */
    public int addPack(String name, PackState state, long size) {
        int no = names.size();
        names.add(name);
        states.add(state);
        sizes.add(size);
        numbers.put(name, no);
        return no;
    }

    /**
     * Records a chunk written by the current store.
     *
     * @param hash its hash
     * @param pack its pack number
     * @param offset its offset
     * @param storedLength its stored length
     * @param rawLength its raw length
     * @param compressed whether it is zstd
     */
    public void addChunk(byte[] hash, int pack, long offset, int storedLength, int rawLength, boolean compressed) {
        if (chunks.find(hash) < 0) {
            uniqueBytes += rawLength;
        }
        chunks.put(hash, pack, offset, storedLength, rawLength, compressed);
    }

    /**
     * Sets a pack's state and size (when the current store finishes it).
     *
     * @param pack the number
     * @param state the state
     * @param size the size
     */
    public void setPack(int pack, PackState state, long size) {
        states.set(pack, state);
        sizes.set(pack, size);
    }

    /**
     * Whether the chunk in a slot can be read (its pack is present, or being written now).
     *
     * @param slot the slot
     * @return true if usable
     */
    public boolean usable(int slot) {
        PackState s = states.get(chunks.pack(slot));
        return s == PackState.OK || s == PackState.WRITING;
    }

    /**
     * The chunk table.
     *
     * @return the table
     */
    public ChunkIndex chunks() {
        return chunks;
    }

    /**
     * The number of packs known.
     *
     * @return the count
     */
    public int packCount() {
        return names.size();
    }

    /**
     * A pack's name.
     *
     * @param pack the number
     * @return the name
     */
    public String packName(int pack) {
        return names.get(pack);
    }

    /**
     * A pack's state.
     *
     * @param pack the number
     * @return the state
     */
    public PackState packState(int pack) {
        return states.get(pack);
    }

    /**
     * A pack's size (as recorded in its index).
     *
     * @param pack the number
     * @return bytes
     */
    public long packSize(int pack) {
        return sizes.get(pack);
    }

    /**
     * Packs read from their trailers because no index file listed them.
     *
     * @return the packs
     */
    public List<PackEntries> unindexed() {
        return unindexed;
    }

    /**
     * The index files read.
     *
     * @return their paths
     */
    public List<Path> indexFiles() {
        return indexFiles;
    }

    /**
     * Problems met while loading (damaged index files, unreadable packs).
     *
     * @return descriptions
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * The slots of every pack's chunks, each pack's sorted by offset.
     *
     * @return per pack number, the slots
     */
    public int[][] slotsByPack() {
        int[] counts = new int[names.size()];
        for (int s = 0; s < chunks.capacity(); s++) {
            if (chunks.occupied(s)) {
                counts[chunks.pack(s)]++;
            }
        }
        int[][] out = new int[names.size()][];
        for (int p = 0; p < out.length; p++) {
            out[p] = new int[counts[p]];
            counts[p] = 0;
        }
        for (int s = 0; s < chunks.capacity(); s++) {
            if (chunks.occupied(s)) {
                int p = chunks.pack(s);
                out[p][counts[p]++] = s;
            }
        }
        for (int[] slots : out) {
            long[] keyed = new long[slots.length];
            for (int i = 0; i < slots.length; i++) {
                keyed[i] = (chunks.offset(slots[i]) << 23) | i;
            }
            java.util.Arrays.sort(keyed);
            int[] copy = slots.clone();
            for (int i = 0; i < slots.length; i++) {
                slots[i] = copy[(int) (keyed[i] & ((1 << 23) - 1))];
            }
        }
        return out;
    }

    /**
     * The entries of a pack as the index holds them (for writing a new index file).
     *
     * @param pack the pack number
     * @param slots its slots, sorted by offset
     * @return the entries
     */
    public PackEntries entries(int pack, int[] slots) {
        int n = slots.length;
        byte[] hashes = new byte[n * 32];
        long[] offsets = new long[n];
        int[] stored = new int[n];
        int[] raw = new int[n];
        byte[] flags = new byte[n];
        for (int i = 0; i < n; i++) {
            int s = slots[i];
            System.arraycopy(chunks.hash(s), 0, hashes, i * 32, 32);
            offsets[i] = chunks.offset(s);
            stored[i] = chunks.storedLength(s);
            raw[i] = chunks.rawLength(s);
            flags[i] = (byte) (chunks.compressed(s) ? PackFormat.FLAG_ZSTD : 0);
        }
        return new PackEntries(names.get(pack), sizes.get(pack), hashes, offsets, stored, raw, flags);
    }

    /**
     * Bytes of distinct chunk content.
     *
     * @return bytes
     */
    public long uniqueBytes() {
        return uniqueBytes;
    }
}
