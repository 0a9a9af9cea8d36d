package org.resilient.archive.chunking;

import java.io.InputStream;
import java.security.MessageDigest;
import org.resilient.archive.index.Hashes;

/**
 * Streams a file through a {@link FastCdc} with one reusable buffer (memory stays constant whatever the
 * file's size) and hashes every chunk. Given the chunk list of the file's previous version, it first tries
 * the previous version's next chunk (see {@link PreviousChunks}); one instance per thread.
 */
public final class FileChunker {
    private final FastCdc cdc;
    private final byte[] buf;
    private final MessageDigest sha = Hashes.newDigest();
    private long guidedBytes;

    /**
     * Creates a chunker with its own buffer (one per thread).
     *
     * @param cdc the cut-point finder
     */
    public FileChunker(FastCdc cdc) {
        this.cdc = cdc;
        this.buf = new byte[Math.max(4 << 20, cdc.max() * 2)];
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
                    int r = in.read(buf, end, buf.length - end);
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
                    int len = previous.length(expected);
                    if (len <= end - start) {
                        byte[] h = hash(start, len);
                        if (previous.matches(expected, h)) {
                            sink.chunk(buf, start, len, h);
                            start += len;
                            guidedBytes += len;
                            expected = expected + 1 < previous.count() ? expected + 1 : -1;
                            continue;
                        }
                    }
                    expected = -1;
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

    private byte[] hash(int off, int len) {
        sha.update(buf, off, len);
        return sha.digest();
    }
}
