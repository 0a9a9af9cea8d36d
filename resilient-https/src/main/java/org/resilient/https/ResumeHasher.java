package org.resilient.https;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Hashes a resumed file while the rest of it arrives: first the part an interrupted pull kept, read back from
 * disk, then each block the {@link FileSink} appends after it, read back as soon as it is written. Before, a
 * resumed pull hashed the kept part first and fetched the rest only then, so the kept half cost as much time as
 * fetching it again would have; now the two overlap (two cores: one decrypts and writes, one hashes). Every byte
 * of the file is still hashed, from what is on disk, before the caller compares the digest with the manifest.
 * <p>
 * The caller's thread runs {@link #run}; the thread that writes the file calls {@link #written} after each
 * block, and {@link #end} when no more bytes will come (whether the transfer ended well or not).
 */
final class ResumeHasher {
    private final Path file;
    private final MessageDigest digest;
    private final Runnable checkCancelled;
    /** Bytes {@code 0..onDisk} of the file are written and may be read back. */
    private long onDisk;
    private boolean ended;
    private boolean abandoned;

    /**
     * @param file the file being resumed
     * @param kept how many bytes the interrupted attempt kept (on disk already)
     * @param digest the digest to feed, empty
     * @param checkCancelled throws if the transfer should stop (checked per block read)
     */
    ResumeHasher(Path file, long kept, MessageDigest digest, Runnable checkCancelled) {
        this.file = file;
        this.onDisk = kept;
        this.digest = digest;
        this.checkCancelled = checkCancelled;
    }

    /**
     * Tells that bytes were appended after the kept part (or after the bytes told before).
     *
     * @param n how many bytes were just written
     */
    synchronized void written(long n) {
        onDisk += n;
        notifyAll();
    }

    /** Tells that nothing more will be written; {@link #run} returns once it has hashed what is written. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /**
     * Stops at once, without hashing the rest: the file is being written from its start again (the serving node
     * ignored the range), so its writer hashes it instead.
     */
    synchronized void abandon() {
        abandoned = true;
        ended = true;
        notifyAll();
    }

    /** @return whether {@link #abandon} was called: the digest is then not the file's */
    synchronized boolean abandoned() {
        return abandoned;
    }

    /**
     * Hashes the file as it is written, until {@link #end} and all of it is hashed (or {@link #abandon}).
     *
     * @return the number of bytes hashed
     * @throws IOException if the file cannot be read
     */
    long run() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(FileSink.BLOCK);
        long pos = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                long upTo = next(pos);
                if (upTo < 0) {
                    return pos;
                }
                while (pos < upTo) {
                    buf.clear().limit((int) Math.min(buf.capacity(), upTo - pos));
                    int n = in.read(buf, pos);
                    if (n < 0) {
                        throw new IOException(file + " ended at byte " + pos + " while it was written up to " + upTo);
                    }
                    digest.update(buf.array(), 0, n);
                    pos += n;
                    checkCancelled.run();
                }
            }
        }
    }

    /** Waits until more than {@code pos} bytes are written; -1 when no more come or the hashing is abandoned. */
    private synchronized long next(long pos) {
        boolean interrupted = false;
        try {
            while (!abandoned && onDisk <= pos && !ended) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the writer ends the transfer on its own and calls end()
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return abandoned || onDisk <= pos ? -1 : onDisk;
    }
}
