package org.resilient.core;

import org.resilient.api.NodeRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.failover.Failover;
import org.resilient.core.node.Node;
import org.resilient.core.node.NodeSettings;
import org.resilient.core.schedule.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work loop of a started node, on one thread, so that its own steps never fight each other for the node
 * lock. Each round it reads the inbox; a leader announces what it published but could not announce (at start,
 * then with backoff) and exports when the recorded plan says an export is due (an overdue export after a
 * restart runs at once; a failed one waits for its backoff); a receiving node runs its pending job unless the
 * job waits for its backoff. Between rounds it runs what was {@link #submit submitted} (an export asked for
 * through the daemon's control channel), then sleeps until the next poll or the next due export.
 *
 * <p>With a coordinator ({@link Failover}) each round also runs a failover round: an import node imports what is
 * pending first (a candidate with a newer good import loses less data), then looks for a leader and takes over if
 * it wins the election; a leader exports and announces only while it holds the leader lease. A deposed leader's
 * component is demoted at the next round (with or without a coordinator).
 */
final class NodeRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRunner.class);

    private final Node node;
    private final Cancellation cancellation;
    private final Duration pollInterval;
    private final Backoff announceBackoff;
    private final Clock clock;
    private final Failover failover;
    private final BlockingQueue<Runnable> requests = new LinkedBlockingQueue<>();
    private int announceFailures;
    private Instant announceNotBefore = Instant.MIN;
    private volatile boolean stopped;

    NodeRunner(Node node, Cancellation cancellation, Duration pollInterval) {
        this(node, cancellation, pollInterval, null);
    }

    NodeRunner(Node node, Cancellation cancellation, Duration pollInterval, Failover failover) {
        this.node = node;
        this.failover = failover;
        this.cancellation = cancellation;
        this.pollInterval = pollInterval.isNegative() || pollInterval.isZero() ? Duration.ofMillis(100) : pollInterval;
        this.announceBackoff = new NodeSettings(node.settings()).retryBackoff();
        this.clock = node.clock();
    }

    /**
     * Runs work on the loop's thread after the step it is running (never two steps of one node at once).
     *
     * @param what the work, for messages
     * @param work the work
     * @param <T> its result
     * @return its result or failure; {@code CANCELLED} if the node stops first
     */
    <T> CompletableFuture<T> submit(String what, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        requests.add(() -> {
            if (cancellation.isCancelled()) {
                result.completeExceptionally(stopping(what));
                return;
            }
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (stopped) {
            drain();
        }
        return result;
    }

    /** Wakes the loop so that it sees the cancellation now rather than after its sleep. */
    void wake() {
        requests.add(() -> { });
    }

    @Override
    public void run() {
        try {
            while (!cancellation.isCancelled()) {
                round();
                Runnable r = requests.poll(sleep().toMillis(), TimeUnit.MILLISECONDS);
                while (r != null) {
                    r.run();
                    r = cancellation.isCancelled() ? null : requests.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped = true;
            drain();
            LOG.info("node {}: stopped", node.name());
        }
    }

    /** One round of scheduled work (tests call it with a fake clock instead of running the loop). */
    void round() {
        safely("reading the inbox", node::receive);
        if (cancellation.isCancelled()) {
            return;
        }
        safely("demoting the deposed leader's component", node::finishDemotion);
        if (node.role() == NodeRole.IMPORT) {
            safely("pending job", () -> node.runPending(cancellation, false));
        }
        if (failover != null) {
            safely("failover round", failover::tick);
        }
        if (cancellation.isCancelled()) {
            return;
        }
        if (node.role() == NodeRole.EXPORT) {
            if (failover != null && !failover.mayExport()) {
                return; // without the lease a leader neither exports nor announces (the failover round says why)
            }
            announceIfNeeded();
            if (node.nextExportDue().filter(due -> !due.isAfter(clock.instant())).isPresent()) {
                safely("scheduled export", () -> node.exportNow(cancellation));
            }
        } else if (node.role() == NodeRole.PULL_BACKUP) {
            safely("pending job", () -> node.runPending(cancellation, false));
        }
    }

    private void announceIfNeeded() {
        Instant now = clock.instant();
        if (now.isBefore(announceNotBefore)) {
            return;
        }
        try {
            Optional<BackupId> announced = node.announceUnannounced();
            if (announced.isPresent()) {
                LOG.info("node {}: announced {}, which had not been announced", node.name(), announced.get());
            }
            announceFailures = 0;
            announceNotBefore = Instant.MIN;
        } catch (RuntimeException e) {
            announceFailures++;
            announceNotBefore = now.plus(announceBackoff.delay(announceFailures, () -> 0.5));
            LOG.warn("node {}: announcing failed ({} time(s) in a row), next try at {}: {}", node.name(),
                    announceFailures, announceNotBefore, e.getMessage());
        }
    }

    /** Until the next poll, or the next due export if that is sooner. */
    private Duration sleep() {
        Duration sleep = pollInterval;
        Optional<Instant> due = node.role() == NodeRole.EXPORT ? node.nextExportDue() : Optional.empty();
        if (due.isPresent()) {
            Duration untilDue = Duration.between(clock.instant(), due.get());
            if (untilDue.compareTo(sleep) < 0) {
                sleep = untilDue.isNegative() ? Duration.ZERO : untilDue;
            }
        }
        return sleep;
    }

    private void safely(String what, Runnable step) {
        try {
            step.run();
        } catch (ResilienceException e) {
            if (e.code() == ErrorCode.CANCELLED && cancellation.isCancelled()) {
                LOG.info("node {}: {} abandoned: the node is stopping", node.name(), what);
            } else {
                // The step recorded its failure in the node's status and, with its backoff, when it is tried again.
                LOG.warn("node {}: {} failed: {}", node.name(), what, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("node {}: {} failed unexpectedly", node.name(), what, e);
        }
    }

    private void drain() {
        List<Runnable> left = new ArrayList<>();
        requests.drainTo(left);
        // Each submitted request sees the cancellation and fails with CANCELLED.
        left.forEach(Runnable::run);
    }

    private static ResilienceException stopping(String what) {
        return new ResilienceException(ErrorCode.CANCELLED, what + " was not run: the node is stopping");
    }
}
