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
    private final java.util.BitSet leftover = new java.util.BitSet();
    // Copies of chunks found damaged by a verify or restore (DamagedChunks keys): never reused by a store.
    private java.util.Set<String> damaged = new java.util.HashSet<>();
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
            r.damaged = DamagedChunks.load(layout);
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
                        r.leftover.set(r.numbers.get(p.name()));
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
            if (!r.problems.isEmpty() || r.indexFiles.isEmpty() && layout.hasGenerations()) {
                // Index files lost or damaged: packs in none may be used by generations; that they were left by an
                // interrupted store is known only when the index was read whole.
                r.leftover.clear();
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
            // The first whole copy wins, except over a copy found damaged: a store wrote the chunk again after the
            // damage was found, and that copy heals every generation using the chunk.
            if (slot >= 0 && (usable(slot) && !damaged(slot) || state != PackState.OK)) {
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
     * Whether the copy of the chunk in a slot was found damaged (by a verify that read it, or a restore).
     *
     * @param slot the slot
     * @return true if a store must not reuse it
     */
    public boolean damaged(int slot) {
        return !damaged.isEmpty()
                && damaged.contains(DamagedChunks.key(names.get(chunks.pack(slot)), chunks.hash(slot)));
    }

    /**
     * Forgets that the copy in a slot was damaged (it was read intact since: the pack was put back whole).
     *
     * @param slot the slot
     */
    public void undamage(int slot) {
        damaged.remove(DamagedChunks.key(names.get(chunks.pack(slot)), chunks.hash(slot)));
    }

    /**
     * The records of damaged copies read when the index was loaded.
     *
     * @return their keys
     */
    public java.util.Set<String> damagedKeys() {
        return damaged;
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
     * Whether a pack was read from its trailer because no index file lists it: left by an interrupted store (or
     * the index files were lost), so no generation is known to use its chunks.
     *
     * @param pack the pack number
     * @return true for such a pack
     */
    public boolean leftover(int pack) {
        return leftover.get(pack);
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
     * Bytes of distinct chunk content.
     *
     * @return bytes
     */
    public long uniqueBytes() {
        return uniqueBytes;
    }
}
