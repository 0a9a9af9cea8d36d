package org.resilient.https;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;
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
    /** How many of the largest files are fetched first, largest first. */
    static final int FIRST = 1024;
    /** How many files may wait for a connection at a time. */
    private static final int QUEUED = 64;
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
        Path partial = dst.resolveSibling(dst.getFileName() + ".partial");
        // The listing goes to a file beside the copy and is read from there entry by entry, more than once: a
        // backup of millions of files is never held whole.
        Path listing = dst.resolveSibling("." + dst.getFileName() + ".listing");
        try {
            listing(listing);
            org.resilient.support.fs.FileModes.createDirectories(partial);
            Fs.makeWritable(partial);
            Largest largest = new Largest(FIRST);
            ListedTree.reconcile(partial, listing, (e, p) -> {
                total += e.size();
                largest.offer(e);
            });
            files(partial, listing, largest.sorted());
            Listing.applyMetadata(partial, listing);
            Fs.publish(partial, dst);
        } catch (IOException e) {
            throw Fs.ioError("pull " + id + " into", partial, e);
        } finally {
            try {
                Files.deleteIfExists(listing);
            } catch (IOException e) {
                LOG.warn("cannot remove {} ({}); it is not used again", listing, e.toString());
            }
        }
        LOG.info("pulled backup {} from {} into {} ({} bytes: {} kept from an earlier attempt, {} fetched)", id, from,
                dst, total, kept.get(), fetched.get());
        if (kept.get() > 0) {
            ctx.progress().progress(Progress.PULL_REUSED, kept.get(), total, "bytes");
        }
    }

    /** Fetches the listing into a file and checks that it is the backup's. */
    private void listing(Path file) throws IOException {
        HttpRequest req = client.request(client.uri(from, "/backup/" + UrlPath.encode(id.value()) + "/", null)).GET()
                .build();
        HttpResponse<InputStream> r = client.stream(req, what);
        try (InputStream in = r.body()) {
            if (r.statusCode() != Replies.OK) {
                String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                throw Replies.refused(r.statusCode(), what, text);
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (ManifestStream s = Listing.open(file)) {
            if (!s.header().backupId().equals(id)) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "node " + from + " answered a pull of "
                        + id + " with the listing of " + s.header().backupId() + "; nothing was used");
            }
        }
    }

    /**
     * Fetches the files, {@value #PARALLEL} at a time: the {@value #FIRST} largest first, largest first (so the last
     * one to finish is a short one), then the others in listing order, read from the listing as they are fetched
     * (at most {@value #QUEUED} wait at a time: memory does not grow with the number of files). While one
     * connection waits for its file's fsync or its next request, the others keep both the serving node's and this
     * node's cores busy. The first failure stops the others within one block.
     */
    private void files(Path partial, Path listing, List<ManifestEntry> first) throws IOException {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "https-pull-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Semaphore slots = new Semaphore(QUEUED);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean interrupted = false;
        try {
            Set<String> firstPaths = new HashSet<>();
            first.forEach(e -> firstPaths.add(e.path()));
            try (ManifestStream s = Listing.open(listing)) {
                Iterator<ManifestEntry> largest = first.iterator();
                Iterator<ManifestEntry> later = s.iterator();
                while (!aborted && (largest.hasNext() || later.hasNext())) {
                    boolean fromLargest = largest.hasNext();
                    ManifestEntry e = fromLargest ? largest.next() : later.next();
                    if (!fromLargest && (e.type() != ManifestEntry.Type.FILE || firstPaths.contains(e.path()))) {
                        continue; // fetched among the largest already
                    }
                    slots.acquire();
                    pool.execute(() -> {
                        if (mdc != null) {
                            MDC.setContextMap(mdc); // the backup id follows the work onto this thread
                        }
                        try {
                            checkCancelled();
                            file(partial.resolve(e.path()), e);
                        } catch (IOException | RuntimeException | Error x) {
                            aborted = true; // the other files stop now, not when their turn to be waited for comes
                            failure.accumulateAndGet(x, Puller::first);
                        } finally {
                            slots.release();
                        }
                    });
                }
            } catch (InterruptedException x) {
                interrupted = true;
                aborted = true;
            }
            slots.acquireUninterruptibly(QUEUED); // every file fetched, or stopped
        } finally {
            pool.shutdownNow();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            failure.accumulateAndGet(new ResilienceException(ErrorCode.CANCELLED, what + " was interrupted"),
                    Puller::first);
        }
        Throwable f = failure.get();
        if (f instanceof IOException io) {
            throw io;
        } else if (f instanceof RuntimeException r) {
            throw r;
        } else if (f instanceof Error err) {
            throw err;
        } else if (f != null) {
            throw new IllegalStateException(f);
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

    /** The largest files of a listing, kept as the listing is read (at most a bound of them). */
    private static final class Largest {
        private final int bound;
        private final PriorityQueue<ManifestEntry> smallestFirst =
                new PriorityQueue<>(Comparator.comparingLong(ManifestEntry::size));

        Largest(int bound) {
            this.bound = bound;
        }

        void offer(ManifestEntry e) {
            smallestFirst.add(e);
            if (smallestFirst.size() > bound) {
                smallestFirst.poll();
            }
        }

        List<ManifestEntry> sorted() {
            List<ManifestEntry> out = new ArrayList<>(smallestFirst);
            out.sort(Comparator.comparingLong(ManifestEntry::size).reversed());
            return out;
        }
    }
}
