package org.resilient.archive.index;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.resilient.archive.repo.Layout;
import org.resilient.support.hash.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copies of chunks found damaged on disk (by a verify that read the data, or a restore), so that a store
 * does not deduplicate against them: it writes such a chunk again, and the index then prefers the new copy, which
 * heals every generation using it.
 *
 * <p>One empty file per damaged copy, {@code damaged/<pack>.<sha256>}: readers (verify, restore) take no lock, and
 * creating a file is atomic and idempotent, so two of them recording at once lose nothing.
 */
public final class DamagedChunks {
    private static final Logger LOG = LoggerFactory.getLogger(DamagedChunks.class);

    private DamagedChunks() {
    }

    /**
     * The directory of the records.
     *
     * @param layout the archive
     * @return its {@code damaged} directory
     */
    public static Path dir(Layout layout) {
        return layout.root().resolve("damaged");
    }

    /**
     * Records that a pack's copy of a chunk is damaged. A failure to record is logged, never thrown: the reader's
     * own report of the damage matters more.
     *
     * @param layout the archive
     * @param pack the pack's name
     * @param hashes the array holding the chunk's hash
     * @param at where the hash starts in it
     */
    public static void record(Layout layout, String pack, byte[] hashes, int at) {
        byte[] h = java.util.Arrays.copyOfRange(hashes, at, at + 32);
        Path f = dir(layout).resolve(key(pack, h));
        try {
            org.resilient.support.fs.FileModes.createDirectories(f.getParent());
            Files.createFile(f, org.resilient.support.fs.FileModes.fileAttribute());
            LOG.warn("chunk {} in pack {} is damaged: recorded in {}, so the next store that has its content writes it "
                    + "again", Sha256.hex(h), pack, f);
        } catch (FileAlreadyExistsException e) {
            // recorded before
        } catch (IOException e) {
            LOG.warn("cannot record the damaged chunk {} of pack {} in {}: {}", Sha256.hex(h), pack, f, e.toString());
        }
    }

    /**
     * Reads the records.
     *
     * @param layout the archive
     * @return their keys ({@link #key})
     * @throws IOException if the directory cannot be read
     */
    public static Set<String> load(Layout layout) throws IOException {
        Set<String> out = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(layout))) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            // nothing recorded
        }
        return out;
    }

    /**
     * Removes the records of packs that no longer exist (deleted by a prune).
     *
     * @param layout the archive
     * @param packExists whether a pack of that name is still on disk
     * @throws IOException on failure
     */
    public static void forget(Layout layout, java.util.function.Predicate<String> packExists) throws IOException {
        for (String k : load(layout)) {
            int dot = k.lastIndexOf('.');
            if (dot <= 0 || !packExists.test(k.substring(0, dot))) {
                Files.deleteIfExists(dir(layout).resolve(k));
            }
        }
    }

    /**
     * Removes the record of one copy, read intact since (its pack was put back whole).
     *
     * @param layout the archive
     * @param pack the pack's name
     * @param hash the chunk's hash
     * @throws IOException on failure
     */
    public static void forget(Layout layout, String pack, byte[] hash) throws IOException {
        if (Files.deleteIfExists(dir(layout).resolve(key(pack, hash)))) {
            LOG.info("chunk {} of pack {} reads intact again: no longer recorded as damaged", Sha256.hex(hash), pack);
        }
    }

    /**
     * The slots whose copy (the one the index uses) was recorded damaged.
     *
     * @param index the index
     * @return the slots
     */
    public static java.util.List<Integer> slots(RepoIndex index) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (String k : index.damagedKeys()) {
            try {
                int slot = index.chunks().find(Sha256.unhex(k.substring(k.lastIndexOf('.') + 1)));
                if (slot >= 0 && index.damaged(slot)) {
                    out.add(slot);
                }
            } catch (IllegalArgumentException e) {
                LOG.debug("ignoring {} among the damaged chunks: not a record", k);
            }
        }
        return out;
    }

    /**
     * Reads again the chunks recorded damaged (a few, so a verify at any level and a restore can afford it): a copy
     * read intact now (its pack was put back whole) is damaged no more, and is forgotten, so what is reported is
     * the archive as it is, not as it was.
     *
     * @param layout the archive
     * @param index its index, updated
     * @throws IOException if a pack cannot be opened
     */
    public static void recheck(Layout layout, RepoIndex index) throws IOException {
        java.util.List<Integer> slots = slots(index);
        if (slots.isEmpty()) {
            return;
        }
        try (org.resilient.archive.restore.PackChannels packs =
                     new org.resilient.archive.restore.PackChannels(layout, index)) {
            for (int slot : slots) {
                int pack = index.chunks().pack(slot);
                if (index.packState(pack) != RepoIndex.PackState.OK) {
                    continue;
                }
                int raw = index.chunks().rawLength(slot);
                try {
                    org.resilient.archive.pack.PackReader.readChunk(packs.get(pack), index.chunks().offset(slot),
                            index.chunks().storedLength(slot), raw, index.chunks().compressed(slot),
                            index.chunks().hash(slot), new byte[raw], 0);
                    index.undamage(slot);
                    forget(layout, index.packName(pack), index.chunks().hash(slot));
                } catch (org.resilient.archive.pack.PackDamagedException e) {
                    // still damaged
                }
            }
        }
    }

    /**
     * The key of one damaged copy.
     *
     * @param pack the pack's name
     * @param hash the chunk's 32-byte hash
     * @return {@code <pack>.<sha256 hex>}
     */
    public static String key(String pack, byte[] hash) {
        return pack + "." + Sha256.hex(hash);
    }
}
