package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeLayout;
import org.resilient.api.OperationContext;
import org.resilient.api.Progress;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Transport;
import org.resilient.testkit.TestBackups;

@DisplayName("https transport: resumed and verified transfers")
@Timeout(120)
class HttpsTransferTest extends TwoNodesTest {
    private static final int BIG = 8 * 1024 * 1024;
    /**
     * Pulls {@code id} from a, one of whose files was damaged there: the pull fails verification naming the file,
     * publishes nothing and keeps none of the damaged file to resume from.
     */
    private void assertDamagedPullRefused(BackupId id, String file) {
        Path target = tmp.resolve("pulled");
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> atB.pull(a, id, target, TestBackups.context(tmp)));
        assertEquals(ErrorCode.VERIFICATION_FAILED, e.code(), e::toString);
        assertTrue(e.getMessage().contains(file), e::getMessage);
        assertFalse(Files.exists(target), "a pull of damaged bytes published a target");
        assertFalse(Files.exists(tmp.resolve("pulled.partial/data").resolve(file)), "the damaged file was kept");
    }

    /** A backup of one 8 MiB file of random bytes and the sample tree, published on a. */
    private Path publishBig(BackupId id) throws IOException {
        Path made = tmp.resolve("made");
        TestBackups.sampleTree(NodeLayout.data(made), 1);
        byte[] bytes = new byte[BIG];
        new Random(42).nextBytes(bytes);
        Files.write(NodeLayout.data(made).resolve("big-random.bin"), bytes);
        TestBackups.seal(made, id, TestBackups.COMPONENT, TestBackups.SOURCE_NODE, Instant.parse("2026-01-02T00:00:00Z"));
        nodes.publish(a, made, id);
        return made;
    }

    private static long bytesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    @DisplayName("a pull interrupted at half resumes without the server sending the first half again")
    void resumeAtHalf() throws IOException {
        BackupId id = TestBackups.id(7);
        Path made = publishBig(id);
        long total = bytesUnder(made);
        Path target = tmp.resolve("pulled");
        OperationContext ctx = cancelledAfter(tmp, total / 2);
        NodeServer server = nodes.server(a);
        long before = server.bytesServed();
        ResilienceException e = assertThrows(ResilienceException.class, () -> atB.pull(a, id, target, ctx));
        assertEquals(ErrorCode.CANCELLED, e.code(), e::toString);
        assertFalse(Files.exists(target), "an interrupted pull left a visible target");
        long kept = bytesUnder(tmp.resolve("pulled.partial"));
        long firstServed = server.bytesServed() - before;
        assertTrue(kept >= total / 2 && kept < total, "kept " + kept + " of " + total + " bytes");

        long resumeStart = server.bytesServed();
        List<Progress> reused = new CopyOnWriteArrayList<>();
        atB.pull(a, id, target, OperationContext.builder(tmp).progress(p -> {
            if (Progress.PULL_REUSED.equals(p.phase())) {
                reused.add(p);
            }
        }).build());
        long resumeServed = server.bytesServed() - resumeStart;
        // The pull says what it reused (a node shows it in its pull step's outcome): exactly what the first one kept.
        assertEquals(1, reused.size(), "one report of the bytes reused: " + reused);
        assertEquals(kept, reused.get(0).done(), "bytes reported as kept");
        TestBackups.verify(target);
        assertEquals(TestBackups.entries(made), TestBackups.entries(target));
        // The resume is sent what was missing, plus the listing (a few KiB), never the half it kept.
        assertTrue(resumeServed <= total - kept + 64 * 1024, "resume was sent " + resumeServed + " bytes but only "
                + (total - kept) + " were missing (first attempt was sent " + firstServed + ")");
        assertTrue(resumeServed < total * 6 / 10, "resume was sent " + resumeServed + " of " + total + " bytes");
    }

    @Test
    @DisplayName("bytes corrupted on the serving node are detected and nothing is published")
    void corruptedOnServer() throws IOException {
        BackupId id = TestBackups.id(8);
        publishBig(id);
        Path file = NodeLayout.data(nodes.layout(a).backup(id)).resolve("big-random.bin");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(BIG / 3);
            int x = f.read();
            f.seek(BIG / 3);
            f.write(x ^ 0x40); // same size, one bit flipped
        }
        assertDamagedPullRefused(id, "big-random.bin");
    }

    @Test
    @DisplayName("files pulled several at a time: a damaged one is named, the others stop, nothing is published")
    void damagedAmongParallelFiles() throws IOException {
        BackupId id = TestBackups.id(11);
        Path made = tmp.resolve("made");
        Path data = Files.createDirectories(NodeLayout.data(made));
        Random random = new Random(7);
        for (String name : new String[] {"big-0.bin", "big-1.bin"}) {
            byte[] bytes = new byte[BIG];
            random.nextBytes(bytes);
            Files.write(data.resolve(name), bytes);
        }
        byte[] small = new byte[BIG / 8];
        random.nextBytes(small);
        Files.write(data.resolve("small.bin"), small);
        TestBackups.seal(made, id, TestBackups.COMPONENT, TestBackups.SOURCE_NODE, Instant.parse("2026-01-02T00:00:00Z"));
        nodes.publish(a, made, id);
        // The small file is fetched alongside the big ones and fails first; they stop and are not to blame.
        Path damaged = NodeLayout.data(nodes.layout(a).backup(id)).resolve("small.bin");
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            f.seek(small.length - 1);
            f.write(small[small.length - 1] ^ 1);
        }
        assertDamagedPullRefused(id, "small.bin");
    }

    @Test
    @DisplayName("leftovers damaged in the middle (not only cut short) are detected on resume and fetched again")
    void damagedLeftoverContent() throws IOException {
        BackupId id = TestBackups.id(9);
        Path made = publishBig(id);
        Path target = tmp.resolve("pulled");
        atB.pull(a, id, target, TestBackups.context(tmp));
        // Make a 'partial' copy whose big file holds wrong bytes at the start and is cut at half.
        Files.move(target, tmp.resolve("pulled.partial"));
        Path big = tmp.resolve("pulled.partial/data/big-random.bin");
        TestBackups.makeWritable(tmp.resolve("pulled.partial"));
        big.toFile().setWritable(true);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(BIG / 2);
            f.seek(10);
            f.write(new byte[100]);
        }
        atB.pull(a, id, target, TestBackups.context(tmp));
        TestBackups.verify(target);
        assertEquals(TestBackups.entries(made), TestBackups.entries(target));
    }

    @Test
    @DisplayName("a push interrupted at half resumes, and the receiver publishes it whole")
    void pushResumes() throws IOException {
        BackupId id = TestBackups.id(10);
        Path made = publishBig(id);
        long total = bytesUnder(made);
        OperationContext ctx = cancelledAfter(tmp, total / 2);
        ResilienceException e = assertThrows(ResilienceException.class, () -> fromA.push(made, id, b, ctx));
        assertEquals(ErrorCode.CANCELLED, e.code(), e::toString);
        assertEquals(java.util.List.of(), nodes.published(b));
        long kept = bytesUnder(nodes.layout(b).transfer(id));
        assertTrue(kept > 0, "the interrupted push kept nothing to resume from");
        fromA.push(made, id, b, TestBackups.context(tmp));
        Path check = tmp.resolve("check");
        nodes.copyPublished(b, id, check);
        TestBackups.verify(check);
        assertEquals(TestBackups.entries(made), TestBackups.entries(check));
        assertFalse(Files.exists(nodes.layout(b).transfer(id)), "the transfer directory was left");
    }

    @Test
    @DisplayName("the push receiver forces a file in the background while it arrives, like a pull")
    void pushReceiverForcesInBackground() throws IOException {
        BackupId id = TestBackups.id(12);
        Path made = tmp.resolve("made");
        Files.createDirectories(NodeLayout.data(made));
        byte[] bytes = new byte[(int) (3 * Puller.FLUSH_EVERY)];
        new Random(7).nextBytes(bytes);
        Files.write(NodeLayout.data(made).resolve("large.bin"), bytes);
        TestBackups.seal(made, id, TestBackups.COMPONENT, TestBackups.SOURCE_NODE, Instant.parse("2026-01-02T00:00:00Z"));
        nodes.publish(a, made, id);
        long started = ((java.util.concurrent.ThreadPoolExecutor) Flusher.BACKGROUND).getTaskCount();
        try (Transport fromA = nodes.open(a)) {
            fromA.push(made, id, b, TestBackups.context(tmp));
        }
        long forces = ((java.util.concurrent.ThreadPoolExecutor) Flusher.BACKGROUND).getTaskCount() - started;
        assertTrue(forces >= 1, "a " + bytes.length + "-byte file was received without a background force");
        Path check = tmp.resolve("check");
        nodes.copyPublished(b, id, check);
        TestBackups.verify(check);
    }
}
