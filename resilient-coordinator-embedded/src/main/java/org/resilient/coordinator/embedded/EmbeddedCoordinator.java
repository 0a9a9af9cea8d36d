package org.resilient.coordinator.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.MemberStateFormat;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.AbstractCoordinator;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.Lease;
import org.resilient.api.spi.LeaseListener;

/**
 * A {@link Coordinator} for the processes of one machine, kept in a shared directory (see
 * {@link CoordinationDirectory}). Membership and the lease are files with expiry times that heartbeats
 * push forward; every change is made under one OS file lock, which makes the epoch's compare-and-set exact
 * across processes. There are no background threads: the node calls {@link #heartbeat()}, so a fake clock
 * makes it fully deterministic.
 *
 * <p>One machine only: file locks on network file systems are unreliable and the expiry times assume one
 * clock for every node.
 */
public final class EmbeddedCoordinator extends AbstractCoordinator {
    private static final System.Logger LOG = System.getLogger(EmbeddedCoordinator.class.getName());

    private final CoordinationDirectory dir;
    private final String self;
    private final Clock clock;
    private final EmbeddedTimings timings;
    // Tells this coordinator's files from those of another process that joined under the same name.
    private final String session = UUID.randomUUID().toString();
    private MemberState state;
    private EmbeddedLease lease;

    EmbeddedCoordinator(Path directory, String self, Clock clock, EmbeddedTimings timings) {
        super(self);
        this.dir = new CoordinationDirectory(directory);
        this.self = self;
        this.clock = clock;
        this.timings = timings;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public synchronized void join(MemberState first) {
        checkJoin(first);
        dir.locked(() -> {
            Optional<Map<String, String>> existing = dir.read(dir.member(self));
            if (existing.isPresent() && !session.equals(existing.get().get("session"))
                    && clock.instant().isBefore(expiry(existing.get(), dir.member(self)))) {
                throw new ResilienceException(ErrorCode.WRONG_STATE, "node name '" + self + "' is already joined by "
                        + "another live process (its membership runs until " + existing.get().get("expires-at") + " in "
                        + dir.member(self) + "); stop that process or give this node another node.name");
            }
            writeMember(first);
            return null;
        });
        state = first;
    }

    @Override
    public synchronized void publish(MemberState next) {
        checkPublish(next, state);
        state = next;
        dir.locked(() -> writeMember(next));
    }

    @Override
    public synchronized void heartbeat() {
        checkOpen();
        if (state != null) {
            join(state);
        }
        if (lease != null) {
            lease.renew();
        }
    }

    @Override
    public Duration heartbeatInterval() {
        return timings.heartbeatInterval();
    }

    @Override
    public Duration failureTimeout() {
        return timings.ttl();
    }

    @Override
    public List<MemberState> members() {
        checkOpen();
        Instant now = clock.instant();
        List<MemberState> live = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.member(self).getParent())) {
            for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                try {
                    Optional<Map<String, String>> m = dir.read(f);
                    if (m.isPresent() && now.isBefore(expiry(m.get(), f))) {
                        live.add(MemberStateFormat.decode(m.get(), f.toString()));
                    }
                } catch (ResilienceException e) {
                    // One bad file must not hide the other members.
                    LOG.log(System.Logger.Level.WARNING, "skipping a member: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot list the members in " + dir.root() + ": " + e.getMessage(), e);
        }
        live.sort(Comparator.comparing(MemberState::name));
        return live;
    }

    @Override
    public Optional<String> leaseHolder() {
        checkOpen();
        return dir.read(dir.file("lease")).filter(m -> clock.instant().isBefore(expiry(m, dir.file("lease"))))
                .map(m -> m.get("holder"));
    }

    @Override
    public synchronized Optional<Lease> tryAcquireLease(LeaseListener listener) {
        checkOpen();
        Optional<Lease> held = stillHeld(lease, listener);
        if (held.isPresent()) {
            return held;
        }
        return dir.locked(() -> {
            Instant now = clock.instant();
            Optional<Map<String, String>> current = dir.read(dir.file("lease"));
            if (current.isPresent() && now.isBefore(expiry(current.get(), dir.file("lease")))
                    && !session.equals(current.get().get("session"))) {
                return Optional.empty();
            }
            Instant expires = now.plus(timings.ttl());
            dir.write(dir.file("lease"), Map.of("holder", self, "session", session, "acquired-at", now.toString(),
                    "expires-at", expires.toString()));
            lease = new EmbeddedLease(this, expires.minus(timings.margin()), listener);
            return Optional.of(lease);
        });
    }

    /** Renews a lease this coordinator holds; tells its listeners and returns false if it is lost. */
    synchronized boolean renew(EmbeddedLease held) {
        String lostReason = dir.locked(() -> {
            Instant now = clock.instant();
            Optional<Map<String, String>> current = dir.read(dir.file("lease"));
            if (current.isEmpty() || !session.equals(current.get().get("session"))) {
                return "the lease was taken by " + current.map(m -> m.get("holder")).orElse("nobody (it was removed)");
            }
            if (!now.isBefore(expiry(current.get(), dir.file("lease")))) {
                return "the lease expired at " + current.get().get("expires-at") + " before it was renewed";
            }
            Instant expires = now.plus(timings.ttl());
            Map<String, String> renewed = new java.util.TreeMap<>(current.get());
            renewed.put("expires-at", expires.toString());
            dir.write(dir.file("lease"), renewed);
            held.extend(expires.minus(timings.margin()));
            return null;
        });
        if (lostReason != null) {
            held.lost(lostReason);
            return false;
        }
        return true;
    }

    synchronized void release(EmbeddedLease held) {
        forget(held);
        try {
            dir.locked(() -> {
                Optional<Map<String, String>> current = dir.read(dir.file("lease"));
                if (current.isPresent() && session.equals(current.get().get("session"))) {
                    dir.delete(dir.file("lease"));
                }
                return null;
            });
        } catch (ResilienceException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove the lease of " + self + " (it expires by itself): "
                    + e.getMessage());
        }
    }

    synchronized void forget(EmbeddedLease held) {
        if (lease == held) {
            lease = null;
        }
    }

    @Override
    public Epoch epoch() {
        checkOpen();
        return readEpoch();
    }

    @Override
    public boolean advanceEpoch(Epoch expected, Epoch next) {
        checkAdvance(expected, next);
        return dir.locked(() -> {
            if (!readEpoch().equals(expected)) {
                return false;
            }
            dir.write(dir.file("epoch"), Map.of("epoch", next.toString(), "taken-by", self,
                    "taken-at", clock.instant().toString()));
            return true;
        });
    }

    @Override
    public synchronized void close() {
        if (closed()) {
            return;
        }
        if (lease != null) {
            lease.release();
        }
        try {
            dir.locked(() -> {
                Optional<Map<String, String>> mine = dir.read(dir.member(self));
                if (mine.isPresent() && session.equals(mine.get().get("session"))) {
                    dir.delete(dir.member(self));
                }
                return null;
            });
        } catch (ResilienceException e) {
            LOG.log(System.Logger.Level.WARNING, self + " could not leave cleanly (its membership expires by itself): "
                    + e.getMessage());
        }
        markClosed();
    }

    private Epoch readEpoch() {
        Path f = dir.file("epoch");
        return dir.read(f).map(m -> {
            try {
                return new Epoch(Long.parseLong(m.getOrDefault("epoch", "")));
            } catch (IllegalArgumentException e) {
                throw new ResilienceException(ErrorCode.MESSAGE_INVALID, "the epoch file " + f + " is damaged ("
                        + m + "); restore it from the newest epoch any node holds in its state/ directory");
            }
        }).orElse(Epoch.INITIAL);
    }

    private Void writeMember(MemberState s) {
        Map<String, String> m = MemberStateFormat.encode(s);
        m.put("session", session);
        m.put("expires-at", clock.instant().plus(timings.ttl()).toString());
        dir.write(dir.member(self), m);
        return null;
    }

    private static Instant expiry(Map<String, String> m, Path file) {
        try {
            return Instant.parse(m.getOrDefault("expires-at", ""));
        } catch (DateTimeParseException e) {
            throw new ResilienceException(ErrorCode.MESSAGE_INVALID, file + " has no valid expires-at ("
                    + m.get("expires-at") + "); delete the file: its owner writes it again at its next heartbeat");
        }
    }

    @Override
    public String toString() {
        return "embedded coordinator of " + self + " in " + dir.root();
    }
}
