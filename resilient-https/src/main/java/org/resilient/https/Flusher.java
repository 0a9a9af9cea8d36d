package org.resilient.https;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Puts a file being received on disk while it is received, so that the fsync at its end has little left to write.
 * The kernel starts writing a new file's dirty pages back only after about 30 s or when a tenth of the memory is
 * dirty, so without this a pull received a whole file into memory and then waited for the disk to write all of
 * it, with the cores idle: the disk and the receipt took turns instead of overlapping. Every {@code every} bytes
 * written, an {@link FileChannel#force(boolean) fdatasync} is started on another thread (one at a time per file;
 * the receipt never waits for it). {@link #finish()} waits for the one in flight and forces the file once more,
 * as before: the file is on disk when it returns. An error of a background force is not lost: it is thrown by
 * {@code finish()}. Used by both receiving sides: a pull ({@link Puller}) and a push ({@link PushHandler}).
 */
final class Flusher {
    /** The background forces of every file being received (daemon threads, ended after a minute idle). */
    static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "https-receive-flush");
        t.setDaemon(true);
        return t;
    });
    private final FileChannel channel;
    private final Executor executor;
    private final long every;
    private long unflushed;
    private boolean running;
    private IOException failure;

    /**
     * @param channel the file, open for writing
     * @param executor where the background forces run
     * @param every how many bytes written start a background force
     */
    Flusher(FileChannel channel, Executor executor, long every) {
        this.channel = channel;
        this.executor = executor;
        this.every = every;
    }

    /**
     * Counts bytes just written; starts a background force when enough are pending and none runs.
     *
     * @param n bytes written
     */
    synchronized void written(long n) {
        unflushed += n;
        if (unflushed < every || running || failure != null) {
            return;
        }
        unflushed = 0;
        running = true;
        try {
            executor.execute(this::force);
        } catch (RejectedExecutionException e) {
            running = false; // the pull is ending: finish() forces what is left
        }
    }

    private void force() {
        IOException error = null;
        try {
            channel.force(false);
        } catch (IOException e) {
            error = e;
        }
        synchronized (this) {
            if (error != null && failure == null) {
                failure = error;
            }
            running = false;
            notifyAll();
        }
    }

    /**
     * Waits for the background force in flight, then forces the file and its metadata.
     *
     * @throws IOException if a force failed, in the background or now
     */
    void finish() throws IOException {
        synchronized (this) {
            boolean interrupted = false;
            while (running) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the force ends by itself; keep the interrupt for the caller
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
        }
        channel.force(true);
    }
}
