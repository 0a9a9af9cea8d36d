package org.resilient.testkit.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resilient.api.ArchiveStats;
import org.resilient.api.BackupId;
import org.resilient.api.Damage;
import org.resilient.api.Generation;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.Settings;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import org.resilient.api.spi.Transport;
import org.resilient.testkit.ArchiveContract;
import org.resilient.testkit.ArchiveFeature;
import org.resilient.testkit.Bounds;
import org.resilient.testkit.TransportContract;
import org.resilient.testkit.TransportFeature;
import org.resilient.testkit.TransportFixture;

/**
 * The kit's bounds groups fail a transport or archive that ignores its cancellation and interrupts, or that holds a
 * large backup in the heap while declaring that its data lives on disk: each of those tests must be able to fail.
 */
@DisplayName("The bounds groups of the transport and archive contracts")
class BoundsKitSeesMistakesTest {
    private static final Duration BOUND = Duration.ofMillis(300);
    private static final long LARGE = 8L << 20;

    /** Goes on working for three bounds after the real work, ignoring every interrupt, like a blocking native call. */
    static void stubbornTail() {
        long end = System.nanoTime() + BOUND.multipliedBy(3).toNanos();
        boolean interrupted = false;
        for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A context like the given one but never cancelled: what a provider that ignores the signal sees. */
    static OperationContext ignoringCancellation(OperationContext c) {
        return OperationContext.builder(c.directory()).progress(c.progress()).settings(c.settings()).build();
    }

    /** The mem transport, but pulls and pushes ignore their cancellation and interrupts. */
    record StubbornTransport(Transport delegate) implements Transport {
        @Override
        public void pull(URI from, BackupId id, Path target, OperationContext context) {
            delegate.pull(from, id, target, ignoringCancellation(context));
            stubbornTail();
        }

        @Override
        public void push(Path source, BackupId id, URI to, OperationContext context) {
            delegate.push(source, id, to, ignoringCancellation(context));
            stubbornTail();
        }

        @Override
        public void send(URI to, Message message) {
            delegate.send(to, message);
        }

        @Override
        public List<Message> receive() {
            return delegate.receive();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** The mem archive, but stores and restores ignore their cancellation and interrupts. */
    record StubbornArchive(Archive delegate) implements Archive {
        @Override
        public Generation store(StoreRequest request, OperationContext context) {
            Generation g = delegate.store(request, ignoringCancellation(context));
            stubbornTail();
            return g;
        }

        @Override
        public List<Generation> generations() {
            return delegate.generations();
        }

        @Override
        public List<Damage> restore(String generationId, Path target, RestoreOptions options, OperationContext context) {
            List<Damage> d = delegate.restore(generationId, target, options, ignoringCancellation(context));
            stubbornTail();
            return d;
        }

        @Override
        public PruneResult prune(RetentionPolicy policy, OperationContext context) {
            return delegate.prune(policy, context);
        }

        @Override
        public VerifyReport verify(VerifyLevel level, OperationContext context) {
            return delegate.verify(level, context);
        }

        @Override
        public ArchiveStats stats() {
            return delegate.stats();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** Bounds small enough for the stubborn providers to overstep quickly. */
    interface SmallBounds extends Bounds {
        @Override
        default Duration cancellationBound() {
            return BOUND;
        }

        @Override
        default long largeDataBytes() {
            return LARGE;
        }
    }

    /** The transport contract against {@link StubbornTransport}, declaring (wrongly) that its nodes live on disk. */
    @ExtendWith(KitSeesMistakesTest.OnlyWhenLaunched.class)
    static final class StubbornTransportKit extends TransportContract implements SmallBounds {
        @Override
        protected TransportFixture createFixture(Path tempDir) {
            return new MemoryTransportFixture(tempDir, StubbornTransport::new);
        }

        @Override
        protected Set<TransportFeature> features() {
            return EnumSet.of(TransportFeature.NODES_ON_DISK);
        }
    }

    /** The archive contract against {@link StubbornArchive}, declaring (wrongly) that it lives on disk. */
    @ExtendWith(KitSeesMistakesTest.OnlyWhenLaunched.class)
    static final class StubbornArchiveKit extends ArchiveContract implements SmallBounds {
        @Override
        protected Archive openArchive(Path dir, boolean create) {
            try {
                URI uri = new URI(MemoryNetwork.SCHEME, dir.toString(), null);
                return new StubbornArchive(new MemoryArchiveProvider().open(uri, Settings.empty(), create));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected Set<ArchiveFeature> features() {
            return EnumSet.of(ArchiveFeature.ON_DISK);
        }
    }

    @Test
    @DisplayName("fail a transport that ignores cancellation and interrupts, or holds a large backup in the heap")
    void seeStubbornBufferingTransport() {
        Map<String, String> failed = LaunchedKit.failures(StubbornTransportKit.class,
                "org.resilient.testkit.TransportBoundsContract$Stopping", "org.resilient.testkit.TransportBoundsContract$Large");
        assertEquals(Set.of(
                "by its cancellation: a pull ends within the bound and leaves no target, and a retry succeeds",
                "by an interrupt: a pull ends within the bound and leaves no target, and a retry succeeds",
                "by its cancellation: a push ends within the bound, the receiver shows what it had, a retry succeeds",
                "by an interrupt: a push ends within the bound, the receiver shows what it had, a retry succeeds",
                "is pulled without being held in the heap", "is pushed without being held in the heap"),
                failed.keySet(), () -> "the kit did not fail every mistake; failures: " + failed);
        assertNames(failed, "transport 'mem' (StubbornTransportKit)", "after it was stopped by", "allocated");
    }

    @Test
    @DisplayName("fail an archive that ignores cancellation and interrupts, or holds a large backup in the heap")
    void seeStubbornBufferingArchive() {
        Map<String, String> failed = LaunchedKit.failures(StubbornArchiveKit.class,
                "org.resilient.testkit.ArchiveBoundsContract$Stopping", "org.resilient.testkit.ArchiveBoundsContract$Large");
        assertEquals(Set.of(
                "by its cancellation: a store ends within the bound, the archive shows what it had, sound and unlocked",
                "by an interrupt: a store ends within the bound, the archive shows what it had, sound and unlocked",
                "by its cancellation: a restore ends within the bound and leaves no target, and a retry succeeds",
                "by an interrupt: a restore ends within the bound and leaves no target, and a retry succeeds",
                "is stored without being held in the heap"),
                failed.keySet(), () -> "the kit did not fail every mistake; failures: " + failed);
        assertNames(failed, "the archive of StubbornArchiveKit", "after it was stopped by", "allocated");
    }

    /** Every failure names the provider and says what differed (the time after the stop, or the heap used). */
    private static void assertNames(Map<String, String> failed, String provider, String... differed) {
        for (Map.Entry<String, String> f : new TreeMap<>(failed).entrySet()) {
            String m = f.getValue();
            assertEquals(true, m.contains(provider) && List.of(differed).stream().anyMatch(m::contains),
                    () -> f.getKey() + ": the message does not name " + provider + " and what differed: " + m);
        }
    }
}
