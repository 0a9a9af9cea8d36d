package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
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
public abstract class TransportContract extends TransportBoundsContract {
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

}
