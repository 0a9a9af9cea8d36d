package org.resilient.core.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Runs an action on files of a {@link TreeCopy} on a few threads, a directory's files at a time: the copy hands in
 * one directory's files, goes on with the next directories, and waits for them only before it gives their
 * directory its mode and time. The first failure stops the rest.
 */
final class FilePool implements AutoCloseable {
    /** An action on one file that may fail. */
    interface FileAction {
        void run(CopyPlan.Item file) throws IOException;
    }

    private final ExecutorService pool;
    private final Path source;

    /**
     * A pool.
     *
     * @param threads the most threads to use (1: every action runs on the caller's thread at once)
     * @param source the tree copied, for messages
     */
    FilePool(int threads, Path source) {
        this.source = source;
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "resilient-copy");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts an action on each file.
     *
     * @param files the files
     * @param action the action
     * @return what to {@link #await}
     * @throws IOException the failure of an action run on this thread
     */
    List<Future<?>> submit(List<CopyPlan.Item> files, FileAction action) throws IOException {
        List<Future<?>> futures = new ArrayList<>(files.size());
        for (CopyPlan.Item f : files) {
            if (pool == null) {
                action.run(f);
                continue;
            }
            futures.add(pool.submit(() -> {
                try {
                    action.run(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            }));
        }
        return futures;
    }

    /**
     * Waits for actions to end.
     *
     * @param futures what {@link #submit} returned
     * @throws IOException the first failure of an action
     * @throws ResilienceException {@code CANCELLED} if interrupted, or the action's own
     */
    void await(List<Future<?>> futures) throws IOException {
        for (Future<?> fu : futures) {
            try {
                fu.get();
            } catch (ExecutionException e) {
                // Stop the others early: the copy has failed anyway.
                close();
                Throwable c = e.getCause();
                if (c instanceof UncheckedIOException u) {
                    throw u.getCause();
                }
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                throw new ResilienceException(ErrorCode.INTERNAL, "copy failed: " + c, c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new ResilienceException(ErrorCode.CANCELLED, "copy of " + source + " was interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
