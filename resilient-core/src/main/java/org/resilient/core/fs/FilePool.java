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

/** Runs an action on every file of a {@link TreeCopy} on a few threads; the first failure stops the rest. */
final class FilePool {
    /** An action on one file that may fail. */
    interface FileAction {
        void run(CopyPlan.Item file) throws IOException;
    }

    private FilePool() {
    }

    /**
     * Runs an action on every file, on up to {@code threads} threads (on this one for a single thread or file).
     *
     * @param files the files
     * @param threads the most threads to use
     * @param source the tree copied, for messages
     * @param action the action
     * @throws IOException the first failure of an action
     * @throws ResilienceException {@code CANCELLED} if interrupted, or the action's own
     */
    static void forEach(List<CopyPlan.Item> files, int threads, Path source, FileAction action) throws IOException {
        int n = Math.min(threads, Math.max(1, files.size()));
        if (n == 1) {
            for (CopyPlan.Item f : files) {
                action.run(f);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "resilient-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (CopyPlan.Item f : files) {
                futures.add(pool.submit(() -> {
                    try {
                        action.run(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                try {
                    fu.get();
                } catch (ExecutionException e) {
                    // Stop the others early: the copy has failed anyway.
                    cancelAll(futures);
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
                    cancelAll(futures);
                    throw new ResilienceException(ErrorCode.CANCELLED, "copy of " + source + " was interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void cancelAll(List<Future<?>> futures) {
        futures.forEach(f -> f.cancel(false));
    }
}
