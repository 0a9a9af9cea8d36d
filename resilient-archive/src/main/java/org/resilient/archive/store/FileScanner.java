package org.resilient.archive.store;

import java.io.FileInputStream;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.chunking.FastCdc;
import org.resilient.archive.chunking.FileChunker;
import org.resilient.archive.chunking.PreviousChunks;
import org.resilient.archive.index.ChunkCheck;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.support.hash.Sha256;

/**
 * The scanners of a store: each takes the next file in order, reads it, cuts it into chunks (guided by the
 * file's chunks in the parent generation), hashes them, hands the new ones to the compressor pool, and puts
 * every chunk into the file's queue for the writer. A file whose content the caller verified under the digest
 * the parent recorded is taken whole from the parent, without reading it; so is a file without a verified digest
 * whose size, modification time, change time and inode are those the parent recorded (the files cache), unless
 * the store must read every file.
 */
final class FileScanner {
    private final FastCdc cdc;
    private final ParentTree parent;
    private final Map<String, byte[]> verified;
    private final StoreIndex index;
    private final ChunkArrays arrays;
    private final ChunkCompressor compressor;
    private final EntryFeed feed;
    private final boolean filesCache;
    private final AtomicLong guidedBytes = new AtomicLong();
    private final AtomicLong unreadBytes = new AtomicLong();
    private final AtomicLong unchangedFiles = new AtomicLong();

    FileScanner(FastCdc cdc, ParentTree parent, Map<String, byte[]> verified, StoreIndex index, ChunkArrays arrays,
                ChunkCompressor compressor, EntryFeed feed, boolean filesCache) {
        this.cdc = cdc;
        this.parent = parent;
        this.verified = verified;
        this.index = index;
        this.arrays = arrays;
        this.compressor = compressor;
        this.feed = feed;
        this.filesCache = filesCache;
    }

    /**
     * One scanner thread's work: files in order, taken from the feed, until none is left or the store is aborted. A
     * failure goes into the file's queue, for the writer to report.
     */
    void loop(ExecutorService compressors) {
        FileChunker chunker = new FileChunker(cdc, compressors);
        ChunkCheck check = new ChunkCheck();
        while (true) {
            EntryFeed.Slot s;
            try {
                s = feed.claim();
            } catch (InterruptedException e) {
                return; // the store is over: shut down
            }
            if (s == null) {
                return;
            }
            try {
                scan(s.entry(), s.looked(), s.queue(), chunker, check, compressors);
                s.queue().close(null);
            } catch (Throwable t) {
                s.queue().close(t);
            }
        }
    }

    /**
     * The files-cache shortcut ({@link EntryFeed.Shortcut}): a file without a verified digest that the files cache
     * finds unchanged, of few enough chunks to queue without waiting, is taken whole from the parent here.
     *
     * @param e the file
     * @param q its empty queue
     * @param room how many chunks the queue takes without waiting
     * @return null if taken, else the parent's entry for the scanner
     */
    EntryFeed.Looked tryTake(SourceEntry e, FileQueue q, int room) {
        TreeEntry before = parent.take(e.path());
        if (filesCache && before != null && before.chunkCount() < room && !verified.containsKey(e.path())
                && unchanged(before, e)) {
            try {
                take(before, q);
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt(); // cannot happen: the queue has room; the scanner takes it then
                return new EntryFeed.Looked(before);
            }
            q.close(null);
            unchangedFiles.incrementAndGet();
            unreadBytes.addAndGet(before.size());
            return null;
        }
        return new EntryFeed.Looked(before);
    }

    private void scan(SourceEntry e, EntryFeed.Looked looked, FileQueue q, FileChunker chunker, ChunkCheck check,
                      ExecutorService compressors) throws Exception {
        TreeEntry before = looked != null ? looked.before() : parent.take(e.path());
        byte[] digest = verified.get(e.path());
        if (digest != null && sameContent(before, e, digest)) {
            // Verified by the caller to have the content the parent recorded under this digest: taken whole
            // from the parent, without reading it again.
            take(before, q);
            unreadBytes.addAndGet(before.size());
            return;
        }
        if (digest == null && filesCache && unchanged(before, e)) {
            // The files cache: same size, times and inode as when the parent read it, so taken from the parent
            // for the cost of the walk's lstat. A change that keeps all four is missed (see the README).
            take(before, q);
            unchangedFiles.incrementAndGet();
            unreadBytes.addAndGet(before.size());
            return;
        }
        PreviousChunks previous = before == null ? null : PreviousChunks.of(before.hashes(), before.lengths());
        // A chunk the previous version also had (same SHA-256, so same content) keeps the checksum recorded there:
        // an unchanged dump is then hashed once, not hashed and checksummed.
        long[] previousChecks = before != null && before.hasChecks() ? before.checks() : null;
        long guided = chunker.guidedBytes();
        MessageDigest whole = digest == null ? null : Sha256.newDigest();
        // FileInputStream reads straight into the array; Files.newInputStream goes through a temporary direct
        // buffer and costs three times as much CPU per byte.
        InputStream file = new FileInputStream(e.file().toFile());
        try (InputStream in = whole == null ? file : new DigestInputStream(file, whole)) {
            chunker.chunk(in, previous, (buf, off, len, h) -> {
                if (feed.aborted()) {
                    throw new InterruptedException("store aborted");
                }
                Future<FileQueue.Compressed> f = null;
                if (!index.holds(h)) {
                    byte[] copy = arrays.take(len);
                    System.arraycopy(buf, off, copy, 0, len);
                    f = compressors.submit(() -> compressor.compress(copy, len));
                }
                int same = previousChecks == null ? -1 : previous.find(h);
                long sum = same >= 0 ? previousChecks[same] : check.of(buf, off, len);
                q.put(new FileQueue.Item(h, len, f, null, false, true, sum));
            });
        }
        guidedBytes.addAndGet(chunker.guidedBytes() - guided);
        if (whole != null && !MessageDigest.isEqual(whole.digest(), digest)) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, e.file() + " changed after it was verified:"
                    + " its content no longer has the SHA-256 " + Sha256.hex(digest) + " it was verified with. Nothing"
                    + " was stored; older generations are intact. Verify the backup again and store it again.");
        }
    }

    /** Puts the parent's chunk list of a file into its queue, as if the file had been read. */
    private static void take(TreeEntry before, FileQueue q) throws InterruptedException {
        boolean checked = before.hasChecks();
        for (int i = 0; i < before.chunkCount(); i++) {
            q.put(new FileQueue.Item(before.hash(i), before.lengths()[i], null, null, false, checked,
                    checked ? before.checks()[i] : 0));
        }
    }

    /**
     * Whether the files cache takes a file as unchanged since the parent: the parent recorded its inode and change
     * time, and they, the size and the modification time are the same, and every chunk is still in the archive (a
     * damaged one is not: reading the file again heals it).
     */
    private boolean unchanged(TreeEntry before, SourceEntry e) {
        if (before == null || before.stat() == null || !before.stat().equals(e.stat()) || before.size() != e.size()) {
            return false;
        }
        java.time.Instant t = e.mtime().toInstant();
        if (before.mtimeSeconds() != t.getEpochSecond() || before.mtimeNanos() != t.getNano()) {
            return false;
        }
        return allHeld(before);
    }

    private boolean allHeld(TreeEntry before) {
        for (int i = 0; i < before.chunkCount(); i++) {
            if (!index.holds(before.hash(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the parent's entry holds the content the caller verified: same digest, same size, and every chunk
     * still in the archive.
     */
    private boolean sameContent(TreeEntry before, SourceEntry e, byte[] digest) {
        if (before == null || !before.hasDigest() || before.size() != e.size()
                || !MessageDigest.isEqual(before.digest(), digest)) {
            return false;
        }
        return allHeld(before);
    }

    /** Bytes whose chunks were found by following the parent generation's chunk lists. */
    long guidedBytes() {
        return guidedBytes.get();
    }

    /** Files taken from the parent generation by the files cache, without reading them. */
    long unchangedFiles() {
        return unchangedFiles.get();
    }

    /** Bytes of files taken from the parent generation (by verified digest or files cache), without reading them. */
    long unreadBytes() {
        return unreadBytes.get();
    }
}
