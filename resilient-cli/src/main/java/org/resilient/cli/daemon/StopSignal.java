package org.resilient.cli.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and Ctrl-C (SIGINT) for the daemon: they start the JVM's shutdown, whose hook tells the daemon's main
 * thread to stop, waits until it has stopped cleanly (the running step cancelled and cleaned up, the node closed)
 * and then ends the process with status 0: a stop asked for is not a failure (systemd's {@code Restart=on-failure}
 * must not restart it, and a JVM ended by a signal would exit 143).
 */
final class StopSignal implements AutoCloseable {
    /** Longer than the node's own wait for its running step (ResilientNode.close waits up to 150 s). */
    private static final long STOPPED_WAIT_SECONDS = 180;

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "resilient-stop");

    StopSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onSignal() {
        requested.countDown();
        try {
            if (stopped.await(STOPPED_WAIT_SECONDS, TimeUnit.SECONDS)) {
                Runtime.getRuntime().halt(0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a stop is asked for. */
    void await() throws InterruptedException {
        requested.await();
    }

    /**
     * Tells the hook the daemon has stopped cleanly (after a signal: the process then exits 0), or, without a
     * signal, removes the hook so the daemon exits with its own status.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: a signal came
        }
        stopped.countDown();
    }
}
