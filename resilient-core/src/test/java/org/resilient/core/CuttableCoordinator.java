package org.resilient.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.Lease;
import org.resilient.api.spi.LeaseListener;

/**
 * A real coordinator between a node and its coordination service that a test can cut: while cut, every call fails
 * with {@code UNREACHABLE}, as when the network to the service is down while the node itself runs on. The lease
 * the real coordinator handed out keeps its own deadline, so it ends as it would.
 */
final class CuttableCoordinator implements Coordinator {
    private final Coordinator real;
    private volatile boolean cut;

    CuttableCoordinator(Coordinator real) {
        this.real = real;
    }

    void cut(boolean value) {
        cut = value;
    }

    private void check() {
        if (cut) {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "the coordination service of " + real.self()
                    + " cannot be reached (cut by the test)");
        }
    }

    @Override
    public String self() {
        return real.self();
    }

    @Override
    public void join(MemberState state) {
        check();
        real.join(state);
    }

    @Override
    public void publish(MemberState state) {
        check();
        real.publish(state);
    }

    @Override
    public void heartbeat() {
        check();
        real.heartbeat();
    }

    @Override
    public Duration heartbeatInterval() {
        return real.heartbeatInterval();
    }

    @Override
    public Duration failureTimeout() {
        return real.failureTimeout();
    }

    @Override
    public List<MemberState> members() {
        check();
        return real.members();
    }

    @Override
    public Optional<String> leaseHolder() {
        check();
        return real.leaseHolder();
    }

    @Override
    public Optional<Lease> tryAcquireLease(LeaseListener listener) {
        check();
        return real.tryAcquireLease(listener);
    }

    @Override
    public Epoch epoch() {
        check();
        return real.epoch();
    }

    @Override
    public boolean advanceEpoch(Epoch expected, Epoch next) {
        check();
        return real.advanceEpoch(expected, next);
    }

    @Override
    public void close() {
        real.close();
    }
}
