package org.resilient.archive.chunking;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.resilient.support.hash.Sha256;

/**
 * Streams a file through a {@link FastCdc} with one reusable buffer (memory stays constant whatever the
 * file's size) and hashes every chunk. Given the chunk list of the file's previous version, it first tries
 * the previous version's next chunk (see {@link PreviousChunks}); one instance per thread.
 */
public final class FileChunker {
    // FileInputStream copies every read through a malloc buffer of the read's size: 64 KiB reads, which stay in the
    // L2 cache for that copy, took 0.1-0.2 CPU-s less per GB than 8 MiB reads (measured 8 MiB to 32 KiB).
    private static final int READ = 64 << 10;
    private final FastCdc cdc;
    private final byte[] buf;
    private final MessageDigest sha = Sha256.newDigest();
    private final ExecutorService helpers;
    private long guidedBytes;
    private boolean differs;

    /**
     * Creates a chunker with its own buffer (one per thread).
     *
     * @param cdc the cut-point finder
     */
    public FileChunker(FastCdc cdc) {
        this(cdc, null);
    }

    /**
     * Creates a chunker that shares the hashing of long unchanged runs with helper threads, so that the last
     * large file of a store does not leave the other cores idle.
     *
     * @param cdc the cut-point finder
     * @param helpers threads to hash on (null to hash on the calling thread only)
     */
    public FileChunker(FastCdc cdc, ExecutorService helpers) {
        this.cdc = cdc;
        this.buf = new byte[Math.max(8 << 20, cdc.max() * 2)];
        this.helpers = helpers;
    }

    /**
     * Cuts a stream into chunks by content alone.
     *
     * @param in the content
     * @param sink receives every chunk, in order
     * @return the number of bytes read
     * @throws Exception from the stream or the sink
     */
    public long chunk(InputStream in, ChunkSink sink) throws Exception {
        return chunk(in, null, sink);
    }

    /**
     * Cuts a stream into chunks, following the previous version's chunks where the content is unchanged.
     * The result is always a valid chunking of the content; the guide only saves work and keeps boundaries
     * (and so deduplication) stable.
     *
     * @param in the content
     * @param previous the chunk list of the previous version of this file, or null
     * @param sink receives every chunk, in order
     * @return the number of bytes read
     * @throws Exception from the stream or the sink
     */
    public long chunk(InputStream in, PreviousChunks previous, ChunkSink sink) throws Exception {
        int start = 0;
        int end = 0;
        boolean eof = false;
        long total = 0;
        // The previous chunk expected next, or -1 while the content differs from the previous version.
        int expected = previous == null || previous.count() == 0 ? -1 : 0;
        while (true) {
            if (!eof && end - start < cdc.max()) {
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                while (end < buf.length) {
                    int r = in.read(buf, end, Math.min(READ, buf.length - end));
                    if (r < 0) {
                        eof = true;
                        break;
                    }
                    end += r;
                    total += r;
                }
            }
            if (start == end) {
                return total;
            }
            while (end - start >= cdc.max() || (eof && start < end)) {
                if (expected >= 0) {
                    int run = guidedRun(previous, expected, start, end, sink);
                    for (int k = 0; k < run; k++) {
                        start += previous.length(expected + k);
                    }
                    expected = !differs && expected + run < previous.count() ? expected + run : -1;
                    if (run > 0) {
                        continue;
                    }
                }
                int len = cdc.cut(buf, start, end - start);
                byte[] h = hash(start, len);
                sink.chunk(buf, start, len, h);
                start += len;
                if (previous != null) {
                    int i = previous.find(h);
                    expected = i >= 0 && i + 1 < previous.count() ? i + 1 : -1;
                }
            }
        }
    }

    /**
     * Bytes taken from the previous versions' chunk lists (confirmed by hash) so far.
     *
     * @return the count
     */
    public long guidedBytes() {
        return guidedBytes;
    }

    /**
     * Follows the previous chunks from {@code expected} over the buffered bytes: hashes as many as fit (the
     * second half on a helper thread when the run is long), hands the matching ones to the sink in order and
     * stops at the first that differs (setting {@link #differs}).
     *
     * @return how many chunks matched
     */
    private int guidedRun(PreviousChunks previous, int expected, int start, int end, ChunkSink sink)
            throws Exception {
        differs = false;
        int n = 0;
        int bytes = 0;
        while (expected + n < previous.count() && bytes + previous.length(expected + n) <= end - start) {
            bytes += previous.length(expected + n);
            n++;
        }
        if (n == 0) {
            return 0;
        }
        int half = helpers != null && n >= 8 ? n / 2 : n;
        int secondStart = start;
        for (int k = 0; k < half; k++) {
            secondStart += previous.length(expected + k);
        }
        Future<byte[][]> second = null;
        if (half < n) {
            int from = secondStart;
            int count = n - half;
            second = helpers.submit(() -> hashRun(previous, expected + half, count, from));
        }
        try {
            int matched = emitMatching(previous, expected, hashRun(sha, previous, expected, half, start), start,
                    sink);
            if (matched < half || second == null) {
                return matched;
            }
            byte[][] rest;
            try {
                rest = second.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
            }
            second = null;
            return half + emitMatching(previous, expected + half, rest, secondStart, sink);
        } finally {
            if (second != null) {
                // The helper reads this buffer: wait for it before the buffer is reused.
                try {
                    second.get();
                } catch (ExecutionException e) {
                    // its result is not needed any more
                }
            }
        }
    }

    private int emitMatching(PreviousChunks previous, int first, byte[][] hashes, int at, ChunkSink sink)
            throws Exception {
        for (int k = 0; k < hashes.length; k++) {
            int len = previous.length(first + k);
            if (!previous.matches(first + k, hashes[k])) {
                differs = true;
                return k;
            }
            sink.chunk(buf, at, len, hashes[k]);
            at += len;
            guidedBytes += len;
        }
        return hashes.length;
    }

    private byte[][] hashRun(PreviousChunks previous, int first, int count, int at) {
        return hashRun(Sha256.newDigest(), previous, first, count, at);
    }

    private byte[][] hashRun(MessageDigest md, PreviousChunks previous, int first, int count, int at) {
        byte[][] out = new byte[count][];
        for (int k = 0; k < count; k++) {
            int len = previous.length(first + k);
            md.update(buf, at, len);
            out[k] = md.digest();
            at += len;
        }
        return out;
    }

    private byte[] hash(int off, int len) {
        sha.update(buf, off, len);
        return sha.digest();
    }
}
