package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Transport;

/**
 * The contract of a {@link Transport}: pulls and pushes appear whole and byte for byte (with modes and
 * times), fail clearly, are idempotent and leave nothing partial behind when interrupted; messages arrive in
 * order, once, and garbage in an inbox is dropped. A transport's whole test is:
 * <pre>
 * class MyTransportTest extends TransportContract {
 *     protected TransportFixture createFixture(Path tempDir) { return new MyTransportFixture(tempDir); }
 * }
 * </pre>
 */
@DisplayName("Transport contract")
@org.junit.jupiter.api.extension.ExtendWith(KnownIssue.Condition.class)
// A hanging implementation fails its test instead of hanging the build.
@org.junit.jupiter.api.Timeout(120)
public abstract class TransportContract {
    /** The fixture of the running test. */
    protected TransportFixture fixture;
    /** The kit's scratch directory, for local backups and pull targets. */
    protected Path local;
    /** The publishing node (an export node). */
    protected URI exporter;
    /** The receiving node (a pull-backup or import node). */
    protected URI receiver;
    /** The exporter's transport. */
    protected Transport exporterTransport;
    /** The receiver's transport. */
    protected Transport receiverTransport;
    private final List<Transport> opened = new ArrayList<>();

    /**
     * Creates the fixture of one test.
     *
     * @param tempDir an empty directory the fixture may use; removed after the test
     * @return the fixture
     */
    protected abstract TransportFixture createFixture(Path tempDir);

    @BeforeEach
    void setUpNodes(@TempDir Path tempDir) throws IOException {
        local = Files.createDirectories(tempDir.resolve("local"));
        fixture = createFixture(Files.createDirectories(tempDir.resolve("fixture")));
        exporter = fixture.node("exporter");
        receiver = fixture.node("receiver");
        exporterTransport = open(exporter);
        receiverTransport = open(receiver);
    }

    @AfterEach
    void tearDownNodes() {
        opened.forEach(Transport::close);
        if (fixture != null) {
            fixture.close();
        }
        TestBackups.makeWritable(local);
    }

    /**
     * Opens a transport that is closed after the test.
     *
     * @param node the node
     * @return the transport
     */
    protected Transport open(URI node) {
        Transport t = fixture.open(node);
        opened.add(t);
        return t;
    }

    /**
     * Makes a sample sealed backup in the kit's local directory.
     *
     * @param n the sample number (gives the id)
     * @param variant the sample tree
     * @return the backup
     */
    protected BackupDir sample(int n, int variant) {
        return TestBackups.sealedBackup(local.resolve("made-" + n + "-" + variant), TestBackups.id(n), variant);
    }

    /**
     * Publishes a sample backup on the exporter.
     *
     * @param n the sample number
     * @return the backup as made locally
     */
    protected BackupDir published(int n) {
        BackupDir b = sample(n, n);
        fixture.publish(exporter, b.directory(), b.manifest().backupId());
        return b;
    }

    private OperationContext context() {
        return TestBackups.context(local);
    }

    private static void assertSameTree(Path expected, Path actual) {
        assertEquals(TestBackups.entries(expected), TestBackups.entries(actual),
                "the copy differs from the original (content, mode, time, link or empty directory)");
    }

    private static void assertAbsent(Path p, String why) {
        assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), why + ": " + p + " exists");
    }

    private static Message message(Message.Type type, String from, long epoch, int n) {
        return new Message(type, from, new Epoch(epoch), type == Message.Type.LEADER_CHANGED ? null : TestBackups.id(n),
                Instant.ofEpochMilli(1_764_088_320_000L + n));
    }

    /** Pulling a published backup. */
    @Nested
    @DisplayName("Pulling a backup")
    class Pulling {
        @Test
        @DisplayName("makes it appear whole, byte for byte with modes and times, and it verifies")
        void pullsWhole() {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            receiverTransport.pull(exporter, b.manifest().backupId(), target, context());
            TestBackups.verify(target);
            assertSameTree(b.directory(), target);
        }

        @Test
        @DisplayName("leaves the published backup as it was")
        void leavesSourceAlone() {
            BackupDir b = published(1);
            receiverTransport.pull(exporter, b.manifest().backupId(), local.resolve("pulled"), context());
            Path check = local.resolve("check");
            fixture.copyPublished(exporter, b.manifest().backupId(), check);
            assertSameTree(b.directory(), check);
        }

        @Test
        @DisplayName("of an unknown backup fails with NOT_FOUND and creates nothing")
        void unknownBackup() {
            published(1);
            Path target = local.resolve("pulled");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> receiverTransport.pull(exporter, TestBackups.id(99), target, context()));
            assertEquals(ErrorCode.NOT_FOUND, e.code(), () -> "wrong code: " + e);
            assertAbsent(target, "a failed pull left its target");
        }

        @Test
        @DisplayName("from a node that does not exist fails with UNREACHABLE or NOT_FOUND")
        void unknownNode() {
            Path target = local.resolve("pulled");
            ResilienceException e = assertThrows(ResilienceException.class, () -> receiverTransport.pull(
                    fixture.absentNode("nobody"), TestBackups.id(1), target, context()));
            assertTrue(Set.of(ErrorCode.UNREACHABLE, ErrorCode.NOT_FOUND).contains(e.code()), () -> "wrong code: " + e);
            assertAbsent(target, "a failed pull left its target");
        }

        @Test
        @DisplayName("into a target that exists fails and leaves the target untouched")
        void targetExists() throws IOException {
            BackupDir b = published(1);
            Path target = Files.createDirectories(local.resolve("pulled"));
            Files.writeString(target.resolve("mine"), "keep me");
            assertThrows(ResilienceException.class,
                    () -> receiverTransport.pull(exporter, b.manifest().backupId(), target, context()));
            try (var s = Files.list(target)) {
                assertEquals(List.of(target.resolve("mine")), s.toList(), "the pull wrote into an existing target");
            }
            assertEquals("keep me", Files.readString(target.resolve("mine")));
        }

        @Test
        @DisplayName("cancelled before it starts fails with CANCELLED, leaves no target, and a retry succeeds")
        void cancelledInAdvance() {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            ResilienceException e = assertThrows(ResilienceException.class, () -> receiverTransport.pull(exporter,
                    b.manifest().backupId(), target, OperationContext.builder(local).cancellation(cancelled()).build()));
            assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
            assertAbsent(target, "a cancelled pull left its target");
            receiverTransport.pull(exporter, b.manifest().backupId(), target, context());
            TestBackups.verify(target);
            assertSameTree(b.directory(), target);
        }

        @Test
        @DisplayName("interrupted midway leaves no visible target, and a retry succeeds")
        void interruptedMidway() {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            Cancellation cancellation = Cancellation.create();
            OperationContext ctx = OperationContext.builder(local).cancellation(cancellation)
                    .progress(p -> cancellation.cancel()).build();
            try {
                receiverTransport.pull(exporter, b.manifest().backupId(), target, ctx);
                // It finished before it looked at the signal again: then it must be whole.
                TestBackups.verify(target);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
                assertAbsent(target, "an interrupted pull left a partial target");
                receiverTransport.pull(exporter, b.manifest().backupId(), target, context());
            }
            TestBackups.verify(target);
            assertSameTree(b.directory(), target);
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("interrupted, then retried after its leftovers were damaged, still gives a whole copy")
        void retryAfterDamagedLeftovers() throws IOException {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            List<Path> before = list(local);
            Cancellation cancellation = Cancellation.create();
            OperationContext ctx = OperationContext.builder(local).cancellation(cancellation)
                    .progress(p -> cancellation.cancel()).build();
            try {
                receiverTransport.pull(exporter, b.manifest().backupId(), target, ctx);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
            }
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS),
                    "the pull finished before it looked at the cancellation");
            // Whatever the interrupted pull kept for a resume, cut every kept file short.
            for (Path p : list(local)) {
                if (!before.contains(p)) {
                    truncateFiles(p);
                }
            }
            receiverTransport.pull(exporter, b.manifest().backupId(), target, context());
            TestBackups.verify(target);
            assertSameTree(b.directory(), target);
        }

        @Test
        @DisplayName("of several backups keeps them apart")
        void severalBackups() {
            BackupDir one = published(1);
            BackupDir two = published(2);
            receiverTransport.pull(exporter, two.manifest().backupId(), local.resolve("two"), context());
            receiverTransport.pull(exporter, one.manifest().backupId(), local.resolve("one"), context());
            assertSameTree(one.directory(), local.resolve("one"));
            assertSameTree(two.directory(), local.resolve("two"));
        }
    }

    /** Pushing a local backup to a node. */
    @Nested
    @DisplayName("Pushing a backup")
    class Pushing {
        @Test
        @DisplayName("publishes it whole under its id, and leaves nothing partial")
        void pushesWhole() {
            BackupDir b = sample(1, 0);
            BackupId id = b.manifest().backupId();
            exporterTransport.push(b.directory(), id, receiver, context());
            assertEquals(List.of(id), fixture.published(receiver));
            Path check = local.resolve("check");
            fixture.copyPublished(receiver, id, check);
            TestBackups.verify(check);
            assertSameTree(b.directory(), check);
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("does not modify its source")
        void leavesSourceAlone() {
            BackupDir b = sample(1, 0);
            List<ManifestEntry> before = TestBackups.entries(b.directory());
            exporterTransport.push(b.directory(), b.manifest().backupId(), receiver, context());
            assertEquals(before, TestBackups.entries(b.directory()));
        }

        @Test
        @DisplayName("twice is a no-op the second time, and never replaces what is there")
        void idempotent() {
            BackupDir b = sample(1, 0);
            BackupId id = b.manifest().backupId();
            exporterTransport.push(b.directory(), id, receiver, context());
            exporterTransport.push(b.directory(), id, receiver, context());
            BackupDir other = TestBackups.sealedBackup(local.resolve("other"), id, 3);
            exporterTransport.push(other.directory(), id, receiver, context());
            assertEquals(List.of(id), fixture.published(receiver));
            Path check = local.resolve("check");
            fixture.copyPublished(receiver, id, check);
            assertSameTree(b.directory(), check);
        }

        @Test
        @DisplayName("of several backups publishes each under its own id")
        void severalBackups() {
            BackupDir one = sample(1, 0);
            BackupDir two = sample(2, 1);
            exporterTransport.push(two.directory(), two.manifest().backupId(), receiver, context());
            exporterTransport.push(one.directory(), one.manifest().backupId(), receiver, context());
            List<BackupId> ids = new ArrayList<>(fixture.published(receiver));
            ids.sort(null);
            assertEquals(List.of(one.manifest().backupId(), two.manifest().backupId()), ids);
        }

        @Test
        @DisplayName("cancelled before it starts fails with CANCELLED and publishes nothing")
        void cancelledInAdvance() {
            BackupDir b = sample(1, 0);
            ResilienceException e = assertThrows(ResilienceException.class, () -> exporterTransport.push(b.directory(),
                    b.manifest().backupId(), receiver, OperationContext.builder(local).cancellation(cancelled()).build()));
            assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
            assertEquals(List.of(), fixture.published(receiver));
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("interrupted midway publishes nothing partial, and a retry succeeds")
        void interruptedMidway() {
            BackupDir b = sample(1, 0);
            BackupId id = b.manifest().backupId();
            Cancellation cancellation = Cancellation.create();
            OperationContext ctx = OperationContext.builder(local).cancellation(cancellation)
                    .progress(p -> cancellation.cancel()).build();
            try {
                exporterTransport.push(b.directory(), id, receiver, ctx);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
                assertEquals(List.of(), fixture.published(receiver), "an interrupted push published a backup");
                exporterTransport.push(b.directory(), id, receiver, context());
            }
            Path check = local.resolve("check");
            fixture.copyPublished(receiver, id, check);
            TestBackups.verify(check);
            assertSameTree(b.directory(), check);
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("of a source directory that does not exist fails and publishes nothing")
        void missingSource() {
            ResilienceException e = assertThrows(ResilienceException.class, () -> exporterTransport.push(
                    local.resolve("no-such-backup"), TestBackups.id(1), receiver, context()));
            assertTrue(Set.of(ErrorCode.NOT_FOUND, ErrorCode.IO_ERROR).contains(e.code()), () -> "wrong code: " + e);
            assertEquals(List.of(), fixture.published(receiver), "a push of nothing published a backup");
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("to a node that does not exist fails with UNREACHABLE or NOT_FOUND")
        void unknownNode() {
            BackupDir b = sample(1, 0);
            ResilienceException e = assertThrows(ResilienceException.class, () -> exporterTransport.push(b.directory(),
                    b.manifest().backupId(), fixture.absentNode("nobody"), context()));
            assertTrue(Set.of(ErrorCode.UNREACHABLE, ErrorCode.NOT_FOUND).contains(e.code()), () -> "wrong code: " + e);
        }
    }

    /** Messages between nodes. */
    @Nested
    @DisplayName("Messages")
    class Messages {
        @Test
        @DisplayName("arrive in the order sent, each exactly once")
        void inOrderOnce() {
            List<Message> sent = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Message m = message(i % 2 == 0 ? Message.Type.BACKUP_PUBLISHED : Message.Type.BACKUP_DELIVERED,
                        exporter.toString(), 3, i);
                exporterTransport.send(receiver, m);
                sent.add(m);
            }
            assertEquals(sent, receiverTransport.receive());
            assertEquals(List.of(), receiverTransport.receive(), "messages were returned twice");
        }

        @Test
        @DisplayName("received between sends come out in order across the calls")
        void interleaved() {
            Message one = message(Message.Type.BACKUP_PUBLISHED, exporter.toString(), 0, 1);
            Message two = message(Message.Type.LEADER_CHANGED, exporter.toString(), 1, 2);
            Message three = message(Message.Type.BACKUP_PUBLISHED, exporter.toString(), 1, 3);
            exporterTransport.send(receiver, one);
            assertEquals(List.of(one), receiverTransport.receive());
            exporterTransport.send(receiver, two);
            exporterTransport.send(receiver, three);
            assertEquals(List.of(two, three), receiverTransport.receive());
        }

        @Test
        @DisplayName("go only to the node they were sent to")
        void onlyToAddressee() {
            URI third = fixture.node("third");
            Transport thirdTransport = open(third);
            Message m = message(Message.Type.BACKUP_PUBLISHED, exporter.toString(), 0, 1);
            exporterTransport.send(receiver, m);
            assertEquals(List.of(), thirdTransport.receive());
            assertEquals(List.of(), exporterTransport.receive());
            assertEquals(List.of(m), receiverTransport.receive());
        }

        @Test
        @DisplayName("that cannot be read are dropped, never returned, and the others still arrive")
        void garbageDropped() {
            Message one = message(Message.Type.BACKUP_PUBLISHED, exporter.toString(), 0, 1);
            Message two = message(Message.Type.BACKUP_PUBLISHED, exporter.toString(), 0, 2);
            exporterTransport.send(receiver, one);
            fixture.deliverRaw(receiver, TestBackups.bytes(300, 5));
            fixture.deliverRaw(receiver, "type BACKUP_PUBLISHED\nfrom x\n".getBytes(StandardCharsets.UTF_8));
            fixture.deliverRaw(receiver, new byte[0]);
            exporterTransport.send(receiver, two);
            assertEquals(List.of(one, two), receiverTransport.receive());
            assertEquals(List.of(), receiverTransport.receive(), "a dropped message came back");
        }

        @Test
        @DisplayName("taken by two receivers of one node while they arrive are each returned exactly once")
        void concurrentReceivers() throws Exception {
            Transport second = open(receiver);
            int n = 40;
            List<Message> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(message(Message.Type.BACKUP_PUBLISHED, exporter.toString(), 0, i));
            }
            java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var a = pool.submit(() -> receiveUntil(receiverTransport, count, n, deadline));
                var c = pool.submit(() -> receiveUntil(second, count, n, deadline));
                sent.forEach(m -> exporterTransport.send(receiver, m));
                List<Message> all = new ArrayList<>(a.get(60, java.util.concurrent.TimeUnit.SECONDS));
                all.addAll(c.get(60, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(n, all.size(), "messages were lost or returned twice");
                assertEquals(Set.copyOf(sent), Set.copyOf(all));
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("to a node that does not exist fail with UNREACHABLE or NOT_FOUND")
        void unknownNode() {
            ResilienceException e = assertThrows(ResilienceException.class, () -> exporterTransport.send(
                    fixture.absentNode("nobody"), message(Message.Type.BACKUP_PUBLISHED, exporter.toString(), 0, 1)));
            assertTrue(Set.of(ErrorCode.UNREACHABLE, ErrorCode.NOT_FOUND).contains(e.code()), () -> "wrong code: " + e);
        }
    }

    private static List<Message> receiveUntil(Transport t, java.util.concurrent.atomic.AtomicInteger count, int n,
                                              long deadline) {
        List<Message> got = new ArrayList<>();
        while (count.get() < n && System.nanoTime() < deadline) {
            List<Message> batch = t.receive();
            got.addAll(batch);
            count.addAndGet(batch.size());
            Thread.onSpinWait();
        }
        return got;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static void truncateFiles(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) > 0) {
                    TestBackups.makeWritable(p.getParent());
                    try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.truncate(ch.size() / 2);
                    }
                }
            }
        }
    }

    private static Cancellation cancelled() {
        Cancellation c = Cancellation.create();
        c.cancel();
        return c;
    }
}
