package org.resilient.https;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Writes a response body into a file from byte {@code start} on and hashes it in the same pass, on the HTTP
 * client's own threads as the bytes arrive (no hand-over to the caller through a stream). The decrypted chunks
 * (about 16 KiB, one TLS record each) are gathered into one block, which is hashed while it is still in the
 * CPU's cache and written with one positional write; so a 1 GB file costs 4,096 writes, not 65,536. The body's
 * value is the file's length at the end. Progress is reported, and the check for cancellation is made, per
 * block written, so a cancelled pull keeps on disk every byte it reported. The caller forces the file.
 */
final class FileSink implements HttpResponse.BodySubscriber<Long> {
    /** The block: large enough to make writes and hashing cheap per byte, small enough to stay in L2. */
    static final int BLOCK = 256 * 1024;
    private final FileChannel channel;
    private final long limit;
    private final MessageDigest digest;
    private final LongConsumer written;
    private final Runnable checkCancelled;
    private final String tooMuch;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK);
    private Flow.Subscription subscription;
    private long pos;
    private boolean ended;

    /**
     * @param channel the file, open for writing; it is cut at {@code start} before the first byte is written
     * @param start where the body's first byte goes
     * @param limit the file's expected size: a body that would make it longer is refused
     * @param digest the digest of bytes {@code 0..start}, updated with every byte written; null if another thread
     *     hashes the file (a resumed one: {@link ResumeHasher})
     * @param written told how many bytes each block added, once they are on disk
     * @param checkCancelled throws if the transfer should stop
     * @param tooMuch the error text for a body longer than expected
     */
    FileSink(FileChannel channel, long start, long limit, MessageDigest digest, LongConsumer written,
             Runnable checkCancelled, String tooMuch) {
        this.channel = channel;
        this.pos = start;
        this.limit = limit;
        this.digest = digest;
        this.written = written;
        this.checkCancelled = checkCancelled;
        this.tooMuch = tooMuch;
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        try {
            channel.truncate(pos);
        } catch (IOException e) {
            fail(e);
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (ended) {
            return;
        }
        try {
            for (ByteBuffer b : items) {
                if (pos + block.position() + b.remaining() > limit) {
                    throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, tooMuch);
                }
                while (b.hasRemaining()) {
                    int n = Math.min(b.remaining(), block.remaining());
                    block.put(block.position(), b, b.position(), n);
                    block.position(block.position() + n);
                    b.position(b.position() + n);
                    if (!block.hasRemaining()) {
                        flush();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        if (ended) {
            return;
        }
        try {
            flush(); // keep what arrived: a resumed pull then asks only for the rest
        } catch (IOException | RuntimeException e) {
            t.addSuppressed(e);
        }
        ended = true;
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (ended) {
            return;
        }
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        ended = true;
        result.complete(pos);
    }

    /** Hashes and writes what the block holds, then checks for cancellation. */
    private void flush() throws IOException {
        int n = block.position();
        if (n == 0) {
            return;
        }
        if (digest != null) {
            digest.update(block.array(), 0, n);
        }
        block.flip();
        while (block.hasRemaining()) {
            pos += channel.write(block, pos);
        }
        block.clear();
        written.accept(n);
        checkCancelled.run();
    }

    private void fail(Throwable t) {
        ended = true;
        subscription.cancel();
        if (t instanceof IOException || t instanceof ResilienceException) {
            try {
                flush();
            } catch (IOException | RuntimeException e) {
                t.addSuppressed(e);
            }
        }
        result.completeExceptionally(t);
    }
}
