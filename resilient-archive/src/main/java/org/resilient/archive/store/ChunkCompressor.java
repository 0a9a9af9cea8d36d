package org.resilient.archive.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Compresses the new chunks of one store, on the compressor pool's threads. Contexts and their output buffers
 * are pooled per store and freed at its end ({@link #close()}): creating a context per chunk costs more than
 * compressing the chunk, and thread-locals would leak native memory in short-lived pools.
 */
final class ChunkCompressor implements AutoCloseable {
    private final ChunkArrays arrays;
    private final int level;
    private final ConcurrentLinkedQueue<Context> free = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Context> all = new ConcurrentLinkedQueue<>();

    /** A zstd context with its output buffer, reused chunk after chunk. */
    private static final class Context {
        final ZstdCompressCtx ctx;
        byte[] out = new byte[0];

        Context(ZstdCompressCtx ctx) {
            this.ctx = ctx;
        }
    }

    ChunkCompressor(ChunkArrays arrays, int level) {
        this.arrays = arrays;
        this.level = level;
    }

    /**
     * Compresses a chunk held in a pooled array ({@code length} bytes of it). The result is in a pooled array too;
     * the raw array goes back to the pool unless it is itself the result (no compression, or none that helps).
     */
    FileQueue.Compressed compress(byte[] raw, int length) {
        if (level == 0) {
            return new FileQueue.Compressed(raw, length, false);
        }
        Context c = free.poll();
        if (c == null) {
            ZstdCompressCtx ctx = new ZstdCompressCtx();
            ctx.setLevel(level);
            c = new Context(ctx);
            all.add(c);
        }
        int n;
        byte[] stored;
        try {
            int bound = (int) Zstd.compressBound(length);
            if (c.out.length < bound) {
                c.out = new byte[bound];
            }
            n = c.ctx.compressByteArray(c.out, 0, c.out.length, raw, 0, length);
            stored = null;
            if (n < length) {
                // Copied out so that chunks waiting for the writer hold little more than their compressed size.
                stored = arrays.take(n);
                System.arraycopy(c.out, 0, stored, 0, n);
            }
        } finally {
            free.add(c);
        }
        if (stored == null) {
            return new FileQueue.Compressed(raw, length, false);
        }
        arrays.give(raw);
        return new FileQueue.Compressed(stored, n, true);
    }

    /** Frees the native contexts; only once no compressor thread runs any more. */
    @Override
    public void close() {
        all.forEach(c -> c.ctx.close());
    }
}
