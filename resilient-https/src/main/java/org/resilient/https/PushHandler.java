package org.resilient.https;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.Deliveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives pushed backups into {@code incoming/<id>}, then publishes them by an atomic rename into
 * {@code backup/<id>}. Three steps, each idempotent, so an interrupted push resumes where it stopped:
 * <ul>
 * <li>{@code POST /push/<id>?begin} with the backup's {@link Listing}: answers {@code published} if the backup
 *     is there already, else {@code receiving} and one line {@code <size> <encoded path>} per file received so
 *     far;</li>
 * <li>{@code PUT /push/<id>/<path>?offset=N}: the file's bytes from offset N (at most what was received);</li>
 * <li>{@code POST /push/<id>?commit}: checks every file's size and SHA-256 against the listing and the listing
 *     against the backup's MANIFEST, removes what does not match (answering 409 with one encoded path a line)
 *     and publishes the rest.</li>
 * </ul>
 */
final class PushHandler extends Handler {
    private static final Logger LOG = LoggerFactory.getLogger(PushHandler.class);
    private final URI self;
    private final NodeLayout layout;
    private final Map<BackupId, Object> locks = new ConcurrentHashMap<>();
    /** The open listings of the pushes in progress (one file each, closed at the commit or the next begin). */
    private final Map<BackupId, ListingCursor> cursors = new ConcurrentHashMap<>();

    PushHandler(URI self, NodeLayout layout) {
        this.self = self;
        this.layout = layout;
    }

    @Override
    void serve(HttpExchange ex, URI peer) throws IOException {
        String rest = ex.getRequestURI().getPath().substring("/push/".length());
        int slash = rest.indexOf('/');
        BackupId id = new BackupId(slash < 0 ? rest : rest.substring(0, slash));
        String query = String.valueOf(ex.getRequestURI().getRawQuery());
        // One push of a backup at a time: a second pusher of the same id waits, then finds it published.
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            if (slash < 0 && ex.getRequestMethod().equals("POST") && query.equals("begin")) {
                recorded(id, peer, () -> begin(ex, id));
            } else if (slash < 0 && ex.getRequestMethod().equals("POST") && query.equals("commit")) {
                recorded(id, peer, () -> commit(ex, id, peer));
            } else if (slash > 0 && ex.getRequestMethod().equals("PUT") && query.startsWith("offset=")) {
                recorded(id, peer, () -> receive(ex, id, rest.substring(slash + 1), query.substring("offset=".length())));
            } else {
                throw badMethod(ex);
            }
        }
    }

    /** One step of a push. */
    private interface PushStep {
        void run() throws IOException;
    }

    /**
     * Runs a step of a push and records a failure on this node ({@link Deliveries}), so that its own status says at
     * once that deliveries to it fail: disk full while receiving, a refused listing or commit, a broken transfer.
     */
    private void recorded(BackupId id, URI peer, PushStep step) throws IOException {
        try {
            step.run();
        } catch (ResilienceException | IOException e) {
            // A failed push may not come back: its listing is not kept open (it would pin the file and its disk).
            try {
                closeCursor(id);
            } catch (IOException x) {
                e.addSuppressed(x);
            }
            if (e instanceof IOException io) {
                recordFailure(id, peer, "the transfer broke off (" + io + ")");
                throw io;
            }
            ResilienceException r = (ResilienceException) e;
            recordFailure(id, peer, "[" + r.code() + "] " + r.getMessage());
            throw r;
        }
    }

    private void recordFailure(BackupId id, URI peer, String reason) {
        if (published(id)) {
            return; // published meanwhile (only its answer failed): the delivery succeeded
        }
        String from = peer == null ? "" : peer.toString();
        Deliveries.failed(layout, id, from, Instant.now(), "a push of " + id + (peer == null ? "" : " by " + peer)
                + " failed on " + self + ": " + reason).ifPresent(why -> LOG.warn("{}", why));
    }

    private void begin(HttpExchange ex, BackupId id) throws IOException {
        if (published(id)) {
            Replies.text(ex, Replies.OK, "published\n");
            return;
        }
        // The listing goes to a file as it arrives and is read from there entry by entry: never held whole.
        Path tmp = layout.incoming().resolve("." + id.value() + ".listing.tmp");
        try (InputStream in = ex.getRequestBody()) {
            org.resilient.support.fs.FileModes.createDirectories(layout.incoming());
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw beginFailed(id, e);
        }
        BackupId listed;
        try (ManifestStream s = Listing.open(tmp)) {
            listed = s.header().backupId();
        } catch (RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (!listed.equals(id)) {
            Files.deleteIfExists(tmp);
            throw new ResilienceException(ErrorCode.MANIFEST_INVALID, "the listing pushed as " + id + " is of backup "
                    + listed);
        }
        closeCursor(id);
        // Pushes come one backup at a time, oldest first: an older one left here failed (disk full?) and is
        // never finished; it only holds the space this one needs.
        for (Path p : org.resilient.support.fs.Transfers.removeTransfersOlderThan(layout, id)) {
            LOG.info("removed {}: a push superseded by {}", p.getFileName(), id);
        }
        Path listingFile = listingFile(id);
        Path dir = layout.transfer(id);
        if (Files.exists(listingFile) && Files.mismatch(listingFile, tmp) >= 0) {
            // An earlier push of another backup under this id: its files are no use to this one.
            Fs.deleteTree(dir);
        }
        try {
            org.resilient.support.fs.FileModes.createDirectories(dir);
            Fs.makeWritable(dir);
            Files.move(tmp, listingFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw beginFailed(id, e);
        }
        StringBuilder have = new StringBuilder("receiving\n");
        try (ManifestStream s = Listing.open(listingFile)) {
            for (ManifestEntry e = s.next(); e != null; e = s.next()) {
                Path f = dir.resolve(e.path());
                if (e.type() == ManifestEntry.Type.FILE && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    have.append(Files.size(f)).append(' ').append(UrlPath.encode(e.path())).append('\n');
                }
            }
        }
        Replies.text(ex, Replies.OK, have.toString());
    }

    /** This node's side failed (disk full, not writable): answered as an I/O error, not taken for a peer gone. */
    private ResilienceException beginFailed(BackupId id, IOException e) {
        return new ResilienceException(ErrorCode.IO_ERROR, "cannot begin the push of " + id + " on " + self + ": "
                + e + "; free space there or make " + layout.incoming() + " writable", e);
    }

    private void receive(HttpExchange ex, BackupId id, String rel, String offsetText) throws IOException {
        ManifestEntry entry = cursor(id).find(rel).filter(e -> e.type() == ManifestEntry.Type.FILE)
                .orElseThrow(() -> new ResilienceException(ErrorCode.MANIFEST_INVALID, rel
                        + " is no file of the listing of " + id));
        long offset;
        try {
            offset = Long.parseLong(offsetText);
        } catch (NumberFormatException e) {
            throw new ResilienceException(ErrorCode.MESSAGE_INVALID, "offset '" + offsetText + "' is not a number");
        }
        Path file = layout.transfer(id).resolve(rel);
        Files.createDirectories(file.getParent());
        long have = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
        if (offset < 0 || offset > have) {
            Replies.text(ex, Replies.CONFLICT, "have " + have + " bytes of " + rel + ", cannot write at " + offset);
            return;
        }
        IOException writeFailed = null;
        try (InputStream in = ex.getRequestBody()) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                ch.truncate(offset);
                long pos = offset;
                byte[] buf = new byte[256 * 1024];
                // Forced in the background while it arrives, like a pull: the final force has little left to write.
                Flusher flusher = new Flusher(ch, Flusher.BACKGROUND, Puller.FLUSH_EVERY);
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (pos + n > entry.size()) {
                        ch.truncate(offset);
                        throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, rel + " is longer than the "
                                + entry.size() + " bytes its listing says");
                    }
                    try {
                        ch.write(ByteBuffer.wrap(buf, 0, n), pos);
                    } catch (IOException e) {
                        writeFailed = e;
                        break;
                    }
                    pos += n;
                    flusher.written(n);
                }
                if (writeFailed == null) {
                    flusher.finish();
                }
            } catch (IOException e) {
                writeFailed = e; // opening, truncating or forcing the file failed: this node's side
            }
            if (writeFailed != null) {
                // Read the rest of the body, so that the pusher gets this answer and not a broken connection.
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        if (writeFailed != null) {
            // This node's side failed (disk full, most likely): an I/O error the pusher reports as such.
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write " + rel + " of the push of " + id + " on "
                    + self + ": " + writeFailed.getMessage() + "; free space there (the push resumes where it stopped)",
                    writeFailed);
        }
        ex.sendResponseHeaders(Replies.NO_CONTENT, -1);
    }

    private void commit(HttpExchange ex, BackupId id, URI peer) throws IOException {
        Path dir = layout.transfer(id);
        if (published(id)) {
            Fs.deleteTree(dir);
            Files.deleteIfExists(listingFile(id));
            Deliveries.succeeded(layout, id, peer == null ? "" : peer.toString(), Instant.now())
                    .ifPresent(why -> LOG.warn("{}", why));
            Replies.text(ex, Replies.OK, "published\n");
            return;
        }
        closeCursor(id);
        Path listing = listing(id);
        List<String> bad = check(dir, listing);
        if (!bad.isEmpty()) {
            LOG.warn("push of {} by {}: {} file(s) do not match the listing and must be sent again: {}", id, peer,
                    bad.size(), bad.size() > 5 ? bad.subList(0, 5) + "..." : bad);
            StringBuilder s = new StringBuilder();
            bad.forEach(p -> s.append(UrlPath.encode(p)).append('\n'));
            Replies.text(ex, Replies.CONFLICT, s.toString());
            return;
        }
        Listing.applyMetadata(dir, listing);
        org.resilient.support.fs.FileModes.createDirectories(layout.backups());
        try {
            Fs.publish(dir, layout.backup(id));
        } catch (IOException e) {
            if (!published(id)) {
                throw Fs.ioError("publish " + dir + " as", layout.backup(id), e);
            }
            Fs.deleteTree(dir); // published by someone else meanwhile: what we wanted
        }
        Files.deleteIfExists(listingFile(id));
        Deliveries.succeeded(layout, id, peer == null ? "" : peer.toString(), Instant.now())
                .ifPresent(why -> LOG.warn("{}", why));
        LOG.info("received backup {} pushed by {}", id, peer == null ? "an unauthenticated peer (test mode)" : peer);
        Replies.text(ex, Replies.OK, "published\n");
    }

    /** Makes the tree exactly the listing's; returns the files to send again (removed). */
    private List<String> check(Path dir, Path listing) throws IOException {
        List<String> bad = new ArrayList<>();
        ListedTree.reconcile(dir, listing, (e, p) -> {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) != e.size()
                    || !Fs.sha256Hex(p).equals(e.sha256())) {
                Files.deleteIfExists(p);
                bad.add(e.path());
            }
        });
        if (bad.isEmpty()) {
            try {
                Listing.checkAgainstManifest(listing, NodeLayout.manifest(dir));
            } catch (ResilienceException e) {
                LOG.warn("push to {}: {}", dir, e.getMessage());
                Files.deleteIfExists(NodeLayout.manifest(dir));
                bad.add(NodeLayout.MANIFEST);
            }
        }
        return bad;
    }

    private Path listing(BackupId id) {
        Path f = listingFile(id);
        if (!Files.isRegularFile(f)) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "no push of " + id + " is in progress on "
                    + self + "; begin it first");
        }
        return f;
    }

    /** The listing of a push in progress, read forward as its files arrive (in listing order). */
    private ListingCursor cursor(BackupId id) throws IOException {
        ListingCursor c = cursors.get(id);
        if (c == null) {
            c = new ListingCursor(listing(id));
            cursors.put(id, c);
        }
        return c;
    }

    private void closeCursor(BackupId id) throws IOException {
        ListingCursor c = cursors.remove(id);
        if (c != null) {
            c.close();
        }
    }

    private boolean published(BackupId id) {
        return Files.isDirectory(layout.backup(id), LinkOption.NOFOLLOW_LINKS);
    }

    private Path listingFile(BackupId id) {
        return layout.incoming().resolve(id.value() + ".listing");
    }
}
