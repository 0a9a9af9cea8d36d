package org.resilient.archive.chunking;

import java.io.InputStream;

/**
 * Streams a file through a {@link FastCdc} with one reusable buffer: memory stays constant whatever the
 * file's size.
 */
public final class FileChunker {
    private final FastCdc cdc;
    private final byte[] buf;

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
     * Cuts a stream into chunks.
     *
     * @param in the content
     * @param sink receives every chunk, in order
     * @return the number of bytes read
     * @throws Exception from the stream or the sink
     */
    public long chunk(InputStream in, ChunkSink sink) throws Exception {
        int start = 0;
        int end = 0;
        boolean eof = false;
        long total = 0;
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
                int len = cdc.cut(buf, start, end - start);
                sink.chunk(buf, start, len);
                start += len;
            }
        }
    }
}
