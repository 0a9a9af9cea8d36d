package org.resilient.https;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.OperationContext;
import org.resilient.api.Progress;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One pull of a published backup into {@code <target>.partial}, renamed to {@code <target>} when whole.
 * A file already in the partial copy is kept if its size and SHA-256 match the listing; a shorter one is
 * resumed with {@code Range: bytes=<have>-} while what it holds is hashed ({@link ResumeHasher}), so an
 * interrupted pull never asks for bytes it has. Every file is hashed as it is written ({@link FileSink}, on the HTTP client's threads as the bytes
 * arrive) and refused if it does not match the listing; several files are fetched at a time.
 */
final class Puller {
    private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
    private final PeerClient client;
    private final URI from;
    private final BackupId id;
    private final OperationContext ctx;
    private final String what;
    /** How many files are fetched at a time (each on its own connection). */
    static final int PARALLEL = 3;
    /** Received bytes of a file that start a background force ({@link Flusher}). */
    static final long FLUSH_EVERY = 16L << 20;
    private volatile boolean aborted;
    private long done;
    /** Bytes of the pulled files that an earlier attempt had kept in the partial copy (not sent again). */
    private final AtomicLong kept = new AtomicLong();
    /** Bytes received from the serving node in this attempt. */
    private final AtomicLong fetched = new AtomicLong();
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
            List<ManifestEntry> files = new ArrayList<>();
            for (ManifestEntry e : listing.entries()) {
                Path p = partial.resolve(e.path());
                switch (e.type()) {
                    case DIRECTORY -> Files.createDirectories(p);
                    case SYMLINK -> {
                        if (!Files.isSymbolicLink(p)) {
                            Files.createSymbolicLink(p, p.getFileSystem().getPath(e.linkTarget()));
                        }
                    }
                    case FILE -> files.add(e);
                }
            }
            files(partial, files);
            Listing.applyMetadata(partial, listing);
            Fs.publish(partial, dst);
        } catch (IOException e) {
            throw Fs.ioError("pull " + id + " into", partial, e);
        }
        LOG.info("pulled backup {} from {} into {} ({} bytes: {} kept from an earlier attempt, {} fetched)", id, from,
                dst, total, kept.get(), fetched.get());
        if (kept.get() > 0) {
            ctx.progress().progress(Progress.PULL_REUSED, kept.get(), total, "bytes");
        }
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

    /**
     * Fetches the files, {@value #PARALLEL} at a time, those with the most bytes to fetch first (so the last one
     * to finish is a short one, and the files an interrupted attempt kept whole are checked while the last ones
     * arrive): while one connection waits for its file's fsync or its next request, the others keep both the
     * serving node's and this node's cores busy. The first failure stops the others within one block.
     */
    private void files(Path partial, List<ManifestEntry> files) throws IOException {
        Map<String, Long> missing = new HashMap<>();
        for (ManifestEntry e : files) {
            Path p = partial.resolve(e.path());
            long have = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : 0;
            missing.put(e.path(), have <= e.size() ? e.size() - have : e.size());
        }
        List<ManifestEntry> order = new ArrayList<>(files);
        order.sort(Comparator.comparingLong((ManifestEntry e) -> missing.get(e.path())).reversed());
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, order.size())), r -> {
            Thread t = new Thread(r, "https-pull-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (ManifestEntry e : order) {
                running.add(pool.submit(() -> {
                    if (mdc != null) {
                        MDC.setContextMap(mdc); // the backup id follows the work onto this thread
                    }
                    try {
                        checkCancelled();
                        file(partial.resolve(e.path()), e);
                        return null;
                    } catch (IOException | RuntimeException | Error x) {
                        aborted = true; // the other files stop now, not when their turn to be waited for comes
                        throw x;
                    }
                }));
            }
            Throwable failure = null;
            boolean interrupted = false;
            for (Future<?> f : running) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException x) {
                        interrupted = true;
                        aborted = true;
                    } catch (ExecutionException x) {
                        aborted = true;
                        failure = first(failure, x.getCause());
                        break;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                failure = first(failure, new ResilienceException(ErrorCode.CANCELLED, what + " was interrupted"));
            }
            if (failure instanceof IOException io) {
                throw io;
            } else if (failure instanceof RuntimeException r) {
                throw r;
            } else if (failure instanceof Error err) {
                throw err;
            } else if (failure != null) {
                throw new IllegalStateException(failure);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The failure to report: the first one that is not merely a file stopped because another one failed. */
    private static Throwable first(Throwable kept, Throwable next) {
        boolean keptIsStop = kept instanceof ResilienceException r && r.code() == ErrorCode.CANCELLED;
        return kept == null || keptIsStop && !(next instanceof ResilienceException r && r.code() == ErrorCode.CANCELLED)
                ? next : kept;
    }

    private void file(Path p, ManifestEntry e) throws IOException {
        boolean exists = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
        long have = exists ? Files.size(p) : 0;
        if (have > 0 && !Files.isWritable(p)) {
            p.toFile().setWritable(true, true); // modes were applied by an attempt that failed at the rename
        }
        if (exists && have == e.size()) {
            MessageDigest digest = Fs.sha256();
            Fs.hashPrefix(p, have, digest);
            if (hex(digest).equals(e.sha256())) {
                kept.addAndGet(e.size());
                progress(e.size());
                return; // whole from an earlier attempt
            }
        }
        have = have < e.size() ? have : 0;
        boolean resumed = have > 0;
        if (!fetch(p, e, have)) {
            Files.deleteIfExists(p);
            if (resumed) {
                // What the interrupted attempt kept was damaged: fetch the whole file once more.
                LOG.warn("{} of backup {} did not verify after a resume; fetching it whole", e.path(), id);
                if (fetch(p, e, 0)) {
                    return;
                }
                Files.deleteIfExists(p);
            }
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "file " + e.path() + " of backup " + id
                    + " from " + from + " does not match its manifest (SHA-256 differs): the copy on that node is"
                    + " damaged; nothing was published here. Re-export the backup or pull a newer one");
        }
    }

    /**
     * Copies bytes {@code from..size} of a file and hashes the whole file; true if it then matches. A fresh file
     * is hashed as it arrives ({@link FileSink}); a resumed one by this thread meanwhile ({@link ResumeHasher}:
     * the kept part, then what arrives), so hashing the kept part costs no time of its own.
     */
    private boolean fetch(Path p, ManifestEntry e, long from) throws IOException {
        AtomicLong got = new AtomicLong();
        MessageDigest own = Fs.sha256();
        MessageDigest resumed = Fs.sha256();
        ResumeHasher hasher = from > 0 ? new ResumeHasher(p, from, resumed, this::checkCancelled) : null;
        if (from < e.size() || e.size() == 0) {
            HttpRequest.Builder b = client.request(client.uri(this.from, "/backup/" + UrlPath.encode(id.value()) + "/"
                    + UrlPath.encode(e.path()), null)).GET();
            if (from > 0) {
                b.header("Range", "bytes=" + from + "-");
            }
            HttpRequest req = b.build();
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                long end;
                Flusher flusher = new Flusher(ch, Flusher.BACKGROUND, FLUSH_EVERY);
                CompletableFuture<HttpResponse<Long>> answer = client.sendAsync(req, info -> sink(info, ch, e, from, own,
                        hasher, n -> {
                            got.addAndGet(n);
                            flusher.written(n);
                            if (hasher != null) {
                                hasher.written(n);
                            }
                        }));
                try {
                    if (hasher != null) {
                        // The transfer's own failure is reported by await below.
                        CompletableFuture<?> unused = answer.whenComplete((r, x) -> hasher.end());
                        hasher.run();
                    }
                    end = client.await(answer, req, what).body();
                } catch (ResilienceException x) {
                    ctx.cancellation().throwIfCancelled("the pull of " + id);
                    throw x;
                } finally {
                    answer.cancel(true); // a no-op once it is complete; else the hashing failed: stop the transfer
                }
                flusher.finish();
                if (end != e.size()) {
                    throw new ResilienceException(ErrorCode.UNREACHABLE, what + ": the connection ended after " + end
                            + " of " + e.size() + " bytes of " + e.path() + "; pull again to resume");
                }
            }
        }
        fetched.addAndGet(got.get());
        boolean whole = hex(hasher == null || hasher.abandoned() ? own : resumed).equals(e.sha256());
        if (whole) {
            kept.addAndGet(e.size() - got.get());
        }
        return whole;
    }

    /**
     * Where the answer to a file request goes: the file, from the byte the answer starts at; or an error. The sink
     * hashes into {@code own} unless {@code hasher} hashes the resumed file.
     */
    private HttpResponse.BodySubscriber<Long> sink(HttpResponse.ResponseInfo info, FileChannel ch, ManifestEntry e,
                                                   long from, MessageDigest own, ResumeHasher hasher,
                                                   LongConsumer written) {
        long start = from;
        MessageDigest digest = hasher == null ? own : null;
        if (info.statusCode() == Replies.OK && from > 0) {
            start = 0; // the server sent the whole file after all: the sink hashes it from its start
            hasher.abandon();
            digest = own;
        } else if (info.statusCode() == Replies.PARTIAL) {
            String range = String.valueOf(info.headers().firstValue("Content-Range").orElse(null));
            if (!range.startsWith("bytes " + from + "-")) {
                return failing(BodySubscribers.discarding(), new ResilienceException(ErrorCode.IO_ERROR, what
                        + ": asked for " + e.path() + " from byte " + from + ", got range '" + range + "'"));
            }
        } else if (info.statusCode() != Replies.OK) {
            return BodySubscribers.mapping(BodySubscribers.ofString(StandardCharsets.UTF_8), text -> {
                throw Replies.refused(info.statusCode(), what, text.length() > 4096 ? text.substring(0, 4096) : text);
            });
        }
        return new FileSink(ch, start, e.size(), digest, n -> {
            written.accept(n);
            progress(n);
        }, this::checkCancelled, "node " + this.from
                + " sent more than the " + e.size() + " bytes of " + e.path() + " in backup " + id
                + "; nothing was published");
    }

    private static <T> HttpResponse.BodySubscriber<Long> failing(HttpResponse.BodySubscriber<T> drain,
                                                                 ResilienceException x) {
        return BodySubscribers.mapping(drain, ignored -> {
            throw x;
        });
    }

    /** Stops a transfer that was cancelled, or whose pull failed on another file. */
    private void checkCancelled() {
        ctx.cancellation().throwIfCancelled("the pull of " + id);
        if (aborted) {
            throw new ResilienceException(ErrorCode.CANCELLED, "the pull of " + id + " stopped: another file failed");
        }
    }

    private synchronized void progress(long n) {
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
