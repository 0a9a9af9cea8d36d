package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.spi.Transport;

/**
 * What the groups of the {@link TransportContract} share: two nodes (an exporter and a receiver) made by the
 * {@link TransportFixture}, sample backups, and checks of copies. Extend {@link TransportContract}, not this.
 */
@org.junit.jupiter.api.extension.ExtendWith({KnownIssue.Condition.class, Requires.Condition.class})
// A hanging implementation fails its test instead of hanging the build.
@org.junit.jupiter.api.Timeout(120)
public abstract class TransportContractSupport implements Requires.Declarations {
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
    /** Every transport opened for the running test, closed after it. */
    protected final List<Transport> opened = new ArrayList<>();

    /**
     * Creates the fixture of one test.
     *
     * @param tempDir an empty directory the fixture may use; removed after the test
     * @return the fixture
     */
    protected abstract TransportFixture createFixture(Path tempDir);

    /**
     * What this transport's test can do beyond the minimum ({@link TransportFeature}): {@code NODES_ON_DISK} by
     * default; override to declare otherwise (a transport whose nodes live in the heap declares none).
     *
     * @return the features
     */
    protected Set<TransportFeature> features() {
        return EnumSet.of(TransportFeature.NODES_ON_DISK);
    }

    @Override
    public Set<TransportFeature> declaredTransportFeatures() {
        return features();
    }

    @Override
    public String implementationName() {
        return "the transport of " + getClass().getSimpleName();
    }

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

    /**
     * A plain operation context on the kit's scratch directory.
     *
     * @return the context
     */
    protected OperationContext context() {
        return TestBackups.context(local);
    }

    /**
     * Asserts two trees are equal entry by entry.
     *
     * @param expected the original
     * @param actual the copy
     */
    protected static void assertSameTree(Path expected, Path actual) {
        TestBackups.assertSameTree(expected, actual,
                "the copy differs from the original (content, mode, time, link or empty directory)");
    }

    /**
     * Asserts nothing exists at a path.
     *
     * @param p the path
     * @param why what it would mean
     */
    protected static void assertAbsent(Path p, String why) {
        assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), why + ": " + p + " exists");
    }

    /**
     * A sample message.
     *
     * @param type its type
     * @param from the sender
     * @param epoch its epoch
     * @param n gives its backup id and time
     * @return the message
     */
    protected static Message message(Message.Type type, String from, long epoch, int n) {
        return new Message(type, from, new Epoch(epoch), type == Message.Type.LEADER_CHANGED ? null : TestBackups.id(n),
                Instant.ofEpochMilli(1_764_088_320_000L + n));
    }

    /**
     * Receives until {@code count} reaches {@code n} or the deadline passes.
     *
     * @param t the transport
     * @param count messages received by all receivers
     * @param n how many are expected
     * @param deadline a {@link System#nanoTime()} deadline
     * @return what this receiver got
     */
    protected static List<Message> receiveUntil(Transport t, java.util.concurrent.atomic.AtomicInteger count, int n,
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

    /**
     * The entries of a directory.
     *
     * @param dir the directory
     * @return its entries
     * @throws IOException if it cannot be listed
     */
    protected static List<Path> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    /**
     * Cuts every non-empty file of a tree to half its size.
     *
     * @param root the tree
     * @throws IOException if a file cannot be cut
     */
    protected static void truncateFiles(Path root) throws IOException {
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

    /**
     * A signal that is already cancelled.
     *
     * @return the signal
     */
    protected static Cancellation cancelled() {
        Cancellation c = Cancellation.create();
        c.cancel();
        return c;
    }
}
