package org.resilient.https;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;
import org.resilient.api.NodeLayout;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push of a local backup to a node ({@link PushHandler} is the other end): announce the listing, send each
 * file the node does not hold whole yet (from the byte it has), then ask it to verify and publish. A file the
 * node finds damaged at the commit is sent again once, whole.
 */
final class Pusher {
    private static final Logger LOG = LoggerFactory.getLogger(Pusher.class);
    private final PeerClient client;
    private final URI to;
    private final BackupId id;
    private final OperationContext ctx;
    private final String what;
    private final String base;
    private long done;
    private long total;

    Pusher(PeerClient client, URI to, BackupId id, OperationContext ctx) {
        this.client = client;
        this.to = to;
        this.id = id;
        this.ctx = ctx;
        this.what = "push backup " + id + " to " + to;
        this.base = "/push/" + UrlPath.encode(id.value());
    }

    void push(Path source) {
        ctx.cancellation().throwIfCancelled("the push of " + id);
        if (!Files.isRegularFile(NodeLayout.manifest(source), LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot " + what + ": " + source
                    + " is no backup directory (it has no " + NodeLayout.MANIFEST + ")");
        }
        // The listing is spilled to a file and walked from there: a backup of millions of files is never held whole.
        Path listing;
        try {
            listing = Files.createTempFile("resilient-push-", ".listing");
        } catch (IOException e) {
            throw Fs.ioError("make a temporary file for the listing of", source, e);
        }
        try {
            pushListed(source, listing);
        } catch (IOException e) {
            throw Fs.ioError("read the listing of", source, e);
        } finally {
            try {
                Files.deleteIfExists(listing);
            } catch (IOException e) {
                LOG.warn("cannot remove {} ({})", listing, e.toString());
            }
        }
    }

    private void pushListed(Path source, Path listing) throws IOException {
        BackupId listed = Listing.spill(source, listing);
        if (!listed.equals(id)) {
            throw new ResilienceException(ErrorCode.MANIFEST_INVALID, "cannot " + what + ": the MANIFEST in " + source
                    + " is of backup " + listed);
        }
        try (ManifestStream s = Listing.open(listing)) {
            s.iterator().forEachRemaining(e -> total += e.size());
        }
        HttpResponse<String> r = client.text(client.request(client.uri(to, base, "begin"))
                .POST(HttpRequest.BodyPublishers.ofFile(listing)).build(), what);
        expect(r, Replies.OK);
        if (r.body().startsWith("published")) {
            LOG.info("backup {} is already published on {}; nothing to push", id, to);
            return;
        }
        Map<String, Long> have = new HashMap<>();
        for (String line : r.body().split("\n", -1)) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                have.put(line.substring(sp + 1), Long.parseLong(line.substring(0, sp)));
            }
        }
        try (ManifestStream s = Listing.open(listing)) {
            for (ManifestEntry e = s.next(); e != null; e = s.next()) {
                if (e.type() == ManifestEntry.Type.FILE) {
                    long there = have.getOrDefault(UrlPath.encode(e.path()), -1L);
                    if (there == e.size()) {
                        progress(e.size()); // whole there already; the commit checks its hash
                    } else {
                        send(source, e, there > 0 && there < e.size() ? there : 0);
                    }
                }
            }
        }
        List<String> bad = commit();
        if (!bad.isEmpty()) {
            LOG.warn("{} file(s) of backup {} arrived damaged on {}; sending them again", bad.size(), id, to);
            Set<String> again = new HashSet<>(bad);
            try (ManifestStream s = Listing.open(listing)) {
                for (ManifestEntry e = s.next(); e != null; e = s.next()) {
                    if (again.contains(UrlPath.encode(e.path()))) {
                        send(source, e, 0);
                    }
                }
            }
            if (!commit().isEmpty()) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "cannot " + what + ": files still do not"
                        + " match the manifest after sending them again; check " + source + " with verify");
            }
        }
        LOG.info("pushed backup {} to {} ({} bytes)", id, to, total);
    }

    private List<String> commit() {
        HttpResponse<String> r = client.text(client.request(client.uri(to, base, "commit"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), what);
        if (r.statusCode() == Replies.CONFLICT) {
            return List.of(r.body().split("\n", -1));
        }
        expect(r, Replies.OK);
        return List.of();
    }

    private void send(Path source, ManifestEntry e, long offset) {
        Path file = source.resolve(e.path());
        HttpRequest.BodyPublisher body = e.size() == offset ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> open(file, offset)), e.size() - offset);
        HttpRequest req = client.request(client.uri(to, base + "/" + UrlPath.encode(e.path()), "offset=" + offset))
                .PUT(body).build();
        HttpResponse<String> r;
        try {
            r = client.text(req, what);
        } catch (ResilienceException x) {
            ctx.cancellation().throwIfCancelled("the push of " + id);
            throw x;
        }
        ctx.cancellation().throwIfCancelled("the push of " + id);
        expect(r, Replies.NO_CONTENT);
    }

    /** The file from {@code offset}, reporting progress and stopping (with an error) once cancelled. */
    private InputStream open(Path file, long offset) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            ch.position(offset);
            return new FilterInputStream(Channels.newInputStream(ch)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (ctx.cancellation().isCancelled()) {
                        throw new IOException("the push of " + id + " was cancelled");
                    }
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        progress(n);
                    }
                    return n;
                }
            };
        } catch (NoSuchFileException x) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot " + what + ": " + file + " vanished", x);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private void expect(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw Replies.refused(r.statusCode(), what, r.body());
        }
    }

    private synchronized void progress(long n) {
        done += n;
        ctx.progress().progress("push", done, total, "bytes");
    }
}
