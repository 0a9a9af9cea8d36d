package org.resilient.https;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull of a published backup into {@code <target>.partial}, renamed to {@code <target>} when whole.
 * A file already in the partial copy is kept if its size and SHA-256 match the listing; a shorter one is
 * resumed with {@code Range: bytes=<have>-} after hashing what it holds, so an interrupted pull never asks for
 * bytes it has. Every file is hashed as it is written and refused if it does not match the listing.
 */
final class Puller {
    private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
    private final PeerClient client;
    private final URI from;
    private final BackupId id;
    private final OperationContext ctx;
    private final String what;
    private long done;
    private long total;

    Puller(PeerClient client, URI from, BackupId id, OperationContext ctx) {
        this.client = client;
        this.from = from;
        this.id = id;
        this.ctx = ctx;
        this.what = "pull backup " + id + " from " + from;
    }

    void pullInto(Path target) {
        ctx.cancellation().throwIfCancelled("the pull of " + id);
        Path dst = target.toAbsolutePath().normalize();
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot pull " + id + " into " + dst
                    + ": it already exists; remove it or pull into another directory");
        }
        Manifest listing = listing();
        Path partial = dst.resolveSibling(dst.getFileName() + ".partial");
        total = listing.entries().stream().mapToLong(ManifestEntry::size).sum();
        try {
            org.resilient.support.fs.FileModes.createDirectories(partial);
            Fs.makeWritable(partial);
            removeUnlisted(partial, listing);
            for (ManifestEntry e : listing.entries()) {
                Path p = partial.resolve(e.path());
                switch (e.type()) {
                    case DIRECTORY -> Files.createDirectories(p);
                    case SYMLINK -> {
                        if (!Files.isSymbolicLink(p)) {
                            Files.createSymbolicLink(p, p.getFileSystem().getPath(e.linkTarget()));
                        }
                    }
                    case FILE -> file(p, e);
                }
            }
            Listing.applyMetadata(partial, listing);
            Fs.publish(partial, dst);
        } catch (IOException e) {
            throw Fs.ioError("pull " + id + " into", partial, e);
        }
        LOG.info("pulled backup {} from {} into {} ({} bytes)", id, from, dst, total);
    }

    private Manifest listing() {
        HttpRequest req = client.request(client.uri(from, "/backup/" + UrlPath.encode(id.value()) + "/", null)).GET()
                .build();
        HttpResponse<String> r = client.text(req, what);
        if (r.statusCode() != Replies.OK) {
            throw Replies.refused(r.statusCode(), what, r.body());
        }
        Manifest listing = ManifestCodec.read(r.body().getBytes(StandardCharsets.UTF_8));
        if (!listing.backupId().equals(id)) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "node " + from + " answered a pull of " + id
                    + " with the listing of " + listing.backupId() + "; nothing was used");
        }
        return listing;
    }

    /** Removes what an earlier attempt (or anything else) left in the partial copy that the backup lacks. */
    private static void removeUnlisted(Path partial, Manifest listing) throws IOException {
        Set<String> wanted = new HashSet<>();
        listing.entries().forEach(e -> wanted.add(e.path()));
        List<Path> extra = new ArrayList<>();
        try (Stream<Path> s = Files.walk(partial)) {
            s.filter(p -> !p.equals(partial)).forEach(p -> {
                String rel = partial.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                ManifestEntry e = listing.entry(rel).orElse(null);
                boolean same = e != null && switch (e.type()) {
                    case DIRECTORY -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                    case FILE -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                    case SYMLINK -> Files.isSymbolicLink(p) && linkTarget(p).equals(e.linkTarget());
                };
                if (!wanted.contains(rel) || !same) {
                    extra.add(p);
                }
            });
        }
        extra.sort(Comparator.reverseOrder());
        for (Path p : extra) {
            Fs.deleteTree(p);
        }
    }

    private static String linkTarget(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private void file(Path p, ManifestEntry e) throws IOException {
        boolean exists = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
        long have = exists ? Files.size(p) : 0;
        if (have > 0 && !Files.isWritable(p)) {
            p.toFile().setWritable(true, true); // modes were applied by an attempt that failed at the rename
        }
        MessageDigest digest = Fs.sha256();
        if (have > e.size()) {
            have = 0;
        } else if (have > 0) {
            Fs.hashPrefix(p, have, digest);
        }
        if (exists && have == e.size() && hex(digest).equals(e.sha256())) {
            progress(e.size());
            return; // whole from an earlier attempt
        }
        if (have == e.size()) {
            have = 0;
            digest.reset();
        }
        boolean resumed = have > 0;
        if (!fetch(p, e, have, digest)) {
            Files.deleteIfExists(p);
            if (resumed) {
                // What the interrupted attempt kept was damaged: fetch the whole file once more.
                LOG.warn("{} of backup {} did not verify after a resume; fetching it whole", e.path(), id);
                if (fetch(p, e, 0, Fs.sha256())) {
                    return;
                }
                Files.deleteIfExists(p);
            }
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "file " + e.path() + " of backup " + id
                    + " from " + from + " does not match its manifest (SHA-256 differs): the copy on that node is"
                    + " damaged; nothing was published here. Re-export the backup or pull a newer one");
        }
    }

    /** Copies bytes {@code from..size} of a file, hashing them; true if the whole file then matches. */
    private boolean fetch(Path p, ManifestEntry e, long from, MessageDigest digest) throws IOException {
        if (from < e.size() || e.size() == 0) {
            HttpRequest.Builder b = client.request(client.uri(this.from, "/backup/" + UrlPath.encode(id.value()) + "/"
                    + UrlPath.encode(e.path()), null)).GET();
            if (from > 0) {
                b.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<InputStream> r = client.stream(b.build(), what);
            try (InputStream in = r.body(); FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                long pos = from;
                if (r.statusCode() == Replies.OK && from > 0) {
                    pos = 0; // the server sent the whole file after all
                    digest.reset();
                } else if (r.statusCode() == Replies.PARTIAL) {
                    String range = String.valueOf(r.headers().firstValue("Content-Range").orElse(null));
                    if (!range.startsWith("bytes " + from + "-")) {
                        throw new ResilienceException(ErrorCode.IO_ERROR, what + ": asked for " + e.path() + " from byte "
                                + from + ", got range '" + range + "'");
                    }
                } else if (r.statusCode() != Replies.OK) {
                    throw Replies.refused(r.statusCode(), what, new String(in.readNBytes(4096), StandardCharsets.UTF_8));
                }
                ch.truncate(pos);
                pos = copy(in, ch, pos, e, digest);
                ch.force(true);
                if (pos != e.size()) {
                    throw new ResilienceException(ErrorCode.UNREACHABLE, what + ": the connection ended after " + pos
                            + " of " + e.size() + " bytes of " + e.path() + "; pull again to resume");
                }
            } catch (IOException x) {
                ctx.cancellation().throwIfCancelled("the pull of " + id);
                throw PeerClient.failure(what, client.uri(this.from, "/", null), x);
            }
        }
        return hex(digest).equals(e.sha256());
    }

    private long copy(InputStream in, FileChannel ch, long pos, ManifestEntry e, MessageDigest digest)
            throws IOException {
        byte[] buf = new byte[256 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            if (pos + n > e.size()) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "node " + from + " sent more than the "
                        + e.size() + " bytes of " + e.path() + " in backup " + id + "; nothing was published");
            }
            ch.write(ByteBuffer.wrap(buf, 0, n), pos);
            digest.update(buf, 0, n);
            pos += n;
            progress(n);
            // Checked after each block, so a cancelled pull stops within one block and keeps what it wrote.
            ctx.cancellation().throwIfCancelled("the pull of " + id);
        }
        return pos;
    }

    private void progress(long n) {
        done += n;
        ctx.progress().progress("pull", done, total, "bytes");
    }

    private static String hex(MessageDigest d) {
        try {
            return HexFormat.of().formatHex(((MessageDigest) d.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }
}
