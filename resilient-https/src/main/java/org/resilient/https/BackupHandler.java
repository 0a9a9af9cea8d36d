package org.resilient.https;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;

/**
 * {@code GET /backup/<id>/}: the {@link Listing} of a published backup; {@code GET /backup/<id>/<path>}: one
 * of its files, with {@code Range: bytes=N-} so that an interrupted pull asks only for what it lacks. Only
 * regular files inside the published backup are served: no links are followed, no path leaves it.
 */
final class BackupHandler extends Handler {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private final URI self;
    private final NodeLayout layout;
    private final AtomicLong bytesServed;

    BackupHandler(URI self, NodeLayout layout, AtomicLong bytesServed) {
        this.self = self;
        this.layout = layout;
        this.bytesServed = bytesServed;
    }

    @Override
    void serve(HttpExchange ex, URI peer) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            throw badMethod(ex);
        }
        String rest = ex.getRequestURI().getPath().substring("/backup/".length());
        int slash = rest.indexOf('/');
        BackupId id = id(slash < 0 ? rest : rest.substring(0, slash));
        Path dir = layout.backup(id);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw notPublished(id);
        }
        String rel = slash < 0 ? "" : rest.substring(slash + 1);
        if (rel.isEmpty()) {
            // Streamed as it is written (chunked): a listing of millions of files is never held whole.
            ex.sendResponseHeaders(Replies.OK, 0);
            try (OutputStream out = new java.io.FilterOutputStream(ex.getResponseBody()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bytesServed.addAndGet(len);
                }
            }) {
                Listing.write(dir, out);
            }
            return;
        }
        ManifestEntry.checkPath(rel);
        Path file = dir.resolve(rel);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                || !file.toRealPath().startsWith(dir.toRealPath())) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "backup " + id + " on " + self + " has no file " + rel);
        }
        sendFile(ex, file);
    }

    private void sendFile(HttpExchange ex, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            long start = 0;
            long end = size - 1;
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            String range = ex.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range.trim());
            if (m != null && m.matches()) {
                start = Long.parseLong(m.group(1));
                if (!m.group(2).isEmpty()) {
                    end = Math.min(end, Long.parseLong(m.group(2)));
                }
                if (start >= size || end < start) {
                    ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                    ex.sendResponseHeaders(Replies.RANGE_NOT_SATISFIABLE, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
                ex.sendResponseHeaders(Replies.PARTIAL, end - start + 1);
            } else {
                // No range (or one we do not serve, e.g. several): the whole file, as HTTP allows.
                ex.sendResponseHeaders(Replies.OK, size == 0 ? -1 : size);
            }
            copy(ch, start, end - start + 1, ex.getResponseBody());
        } catch (NoSuchFileException e) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, file + " vanished (the backup was pruned?)");
        }
    }

    private void copy(FileChannel ch, long start, long length, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        long pos = start;
        long left = length;
        try (out) {
            while (left > 0) {
                buf.clear().limit((int) Math.min(buf.capacity(), left));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException("file shrank while it was sent");
                }
                out.write(buf.array(), 0, n);
                bytesServed.addAndGet(n);
                pos += n;
                left -= n;
            }
        }
    }

    private BackupId id(String text) {
        try {
            return new BackupId(text);
        } catch (ResilienceException e) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "'" + text + "' is no backup id");
        }
    }

    private ResilienceException notPublished(BackupId id) {
        return new ResilienceException(ErrorCode.NOT_FOUND, "node " + self + " has not published backup " + id
                + "; it may have been pruned there: pull a newer backup");
    }
}
