package org.resilient.core.transport.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.core.fs.TestTrees;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.api.NodeLayout;
import org.resilient.core.registry.Registry;

@DisplayName("The local file-system transport")
class LocalTransportTest {
    static final BackupId ID = new BackupId("20261125T163200.123Z-node0");

    @TempDir
    Path tmp;
    NodeLayout exporter;
    NodeLayout pbs;
    NodeLayout importer;
    Transport transport;

    @BeforeEach
    void setUp() throws IOException {
        exporter = new NodeLayout(tmp.resolve("node0")).create();
        pbs = new NodeLayout(tmp.resolve("pbs")).create();
        importer = new NodeLayout(tmp.resolve("node1")).create();
        TestTrees.sealedSample(exporter.backup(ID), ID.value());
        transport = Registry.load().transport("file").open(pbs.root().toUri(), Settings.empty());
    }

    private OperationContext ctx() {
        return OperationContext.builder(pbs.incoming()).build();
    }

    private static void verify(Path backupDir) {
        BackupVerifier.verify(backupDir, ProgressListener.NONE, Cancellation.never());
    }

    @Nested
    @DisplayName("pull")
    class Pull {
        @Test
        @DisplayName("copies a published backup whole, so that it verifies")
        void pulls() {
            Path target = pbs.incoming().resolve(ID.value());
            transport.pull(exporter.root().toUri(), ID, target, ctx());
            verify(target);
            assertEquals(TestTrees.fingerprint(exporter.backup(ID)), TestTrees.fingerprint(target));
            assertFalse(TestTrees.exists(target.resolveSibling(ID.value() + ".partial")));
        }

        @Test
        @DisplayName("resumes an interrupted pull, keeping the files already copied whole")
        void resumes() throws IOException {
            Path target = pbs.incoming().resolve(ID.value());
            Path partial = target.resolveSibling(ID.value() + ".partial");
            transport.pull(exporter.root().toUri(), ID, partial, ctx()); // a complete copy, at the .partial name
            Files.delete(partial.resolve("data/a/b/two.txt"));
            Files.writeString(partial.resolve("data/a/stray"), "left by the interrupted pull");
            AtomicLong bytes = new AtomicLong();
            transport.pull(exporter.root().toUri(), ID, target, OperationContext.builder(pbs.incoming())
                    .progress(p -> bytes.set(p.total())).build());
            verify(target);
            assertTrue(bytes.get() > 256 * 1024, "progress reports the total");
        }

        @Test
        @DisplayName("a backup the node has not published is NOT_FOUND")
        void notFound() {
            ResilienceException e = assertThrows(ResilienceException.class, () -> transport.pull(
                    exporter.root().toUri(), new BackupId("nope"), pbs.incoming().resolve("nope"), ctx()));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }

        @Test
        @DisplayName("a node directory that does not exist is UNREACHABLE")
        void unreachable() {
            URI missing = tmp.resolve("gone").toUri();
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> transport.pull(missing, ID, pbs.incoming().resolve("x"), ctx()));
            assertEquals(ErrorCode.UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        }

        @Test
        @DisplayName("a target that already exists is refused and left alone")
        void targetExists() throws IOException {
            Path target = Files.createDirectories(pbs.incoming().resolve("there"));
            Files.writeString(target.resolve("keep"), "keep");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> transport.pull(exporter.root().toUri(), ID, target, ctx()));
            assertEquals(ErrorCode.IO_ERROR, e.code());
            assertEquals("keep", Files.readString(target.resolve("keep")));
        }

        @Test
        @DisplayName("a non-file URI is CONFIG_INVALID")
        void badUri() {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> transport.pull(URI.create("ssh://host/x"), ID, pbs.incoming().resolve("x"), ctx()));
            assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        }
    }

    @Nested
    @DisplayName("push")
    class Push {
        @Test
        @DisplayName("publishes the backup on the receiving node by a rename, leaving nothing in incoming/")
        void pushes() throws IOException {
            transport.push(exporter.backup(ID), ID, importer.root().toUri(), ctx());
            verify(importer.backup(ID));
            try (Stream<Path> s = Files.list(importer.incoming())) {
                assertEquals(0, s.count());
            }
        }

        @Test
        @DisplayName("is idempotent: a backup already published is left alone")
        void idempotent() throws IOException {
            transport.push(exporter.backup(ID), ID, importer.root().toUri(), ctx());
            Path marker = importer.backup(ID).resolve("data/a/one.txt");
            Instant before = Files.getLastModifiedTime(marker).toInstant();
            transport.push(exporter.backup(ID), ID, importer.root().toUri(), ctx());
            assertEquals(before, Files.getLastModifiedTime(marker).toInstant());
            verify(importer.backup(ID));
        }

        @Test
        @DisplayName("a receiving node that is not writable is NOT_WRITABLE, and nothing is published")
        @SuppressWarnings("try") // the resource is held for its effect
        void notWritable() throws Exception {
            try (AutoCloseable ro = TestTrees.unwritable(importer.incoming())) {
                ResilienceException e = assertThrows(ResilienceException.class,
                        () -> transport.push(exporter.backup(ID), ID, importer.root().toUri(), ctx()));
                assertEquals(ErrorCode.NOT_WRITABLE, e.code());
            }
            assertFalse(TestTrees.exists(importer.backup(ID)));
        }
    }

    @Nested
    @DisplayName("messages")
    class Messages {
        private Message message(int i) {
            return new Message(Message.Type.BACKUP_PUBLISHED, "node0", new Epoch(i), new BackupId("b" + i),
                    Instant.parse("2026-11-25T16:32:00Z"));
        }

        @Test
        @DisplayName("are received once each, oldest first, and removed from the inbox")
        void sendReceive() throws IOException {
            List<Message> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(message(i));
                transport.send(pbs.root().toUri(), message(i));
            }
            assertEquals(sent, transport.receive());
            assertEquals(List.of(), transport.receive());
            // Nothing left: no message in the inbox, no claim in inbox/taken/.
            try (Stream<Path> s = Files.walk(pbs.inbox())) {
                assertEquals(List.of(), s.filter(Files::isRegularFile).toList());
            }
        }

        @Test
        @DisplayName("a message stays in the inbox until its handler returned: a failure in between loses nothing")
        void atLeastOnce() {
            transport.send(pbs.root().toUri(), message(1));
            transport.send(pbs.root().toUri(), message(2));
            List<Message> seen = new ArrayList<>();
            IllegalStateException crash = assertThrows(IllegalStateException.class, () -> transport.receive(m -> {
                seen.add(m);
                if (m.equals(message(2))) {
                    throw new IllegalStateException("crashed while handling " + m.backupId());
                }
            }));
            assertTrue(crash.getMessage().contains("b2"));
            assertEquals(List.of(message(1), message(2)), seen);
            // The first was handled and removed; the one whose handler failed is delivered again.
            assertEquals(List.of(message(2)), transport.receive());
            assertEquals(List.of(), transport.receive());
        }

        @Test
        @DisplayName("a message claimed by a process that died before handling it is delivered by the next receiver")
        void claimOfDeadProcess() throws Exception {
            transport.send(pbs.root().toUri(), message(3));
            Path sent;
            try (Stream<Path> s = Files.list(pbs.inbox())) {
                sent = s.filter(Files::isRegularFile).findFirst().orElseThrow();
            }
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            Path taken = Files.createDirectories(pbs.inbox().resolve("taken"));
            Files.move(sent, taken.resolve(sent.getFileName() + "~" + gone.pid() + "~crashed"));
            // A live process's claim (this JVM, another transport) is left alone.
            transport.send(pbs.root().toUri(), message(4));
            try (Stream<Path> s = Files.list(pbs.inbox())) {
                Path other = s.filter(Files::isRegularFile).findFirst().orElseThrow();
                Files.move(other, taken.resolve(other.getFileName() + "~" + ProcessHandle.current().pid()
                        + "~another"));
            }
            assertEquals(List.of(message(3)), transport.receive());
            try (Stream<Path> s = Files.list(taken)) {
                assertEquals(1, s.count(), "the live claim stays");
            }
        }

        @Test
        @DisplayName("a garbage file is moved to inbox/bad/ and never returned; good ones still are")
        void garbage() throws IOException {
            transport.send(pbs.root().toUri(), message(1));
            Files.writeString(pbs.inbox().resolve("00000000T000000.000000Z-garbage.msg"), "not a message\n");
            Files.writeString(pbs.inbox().resolve("stray.txt"), "hello");
            transport.send(pbs.root().toUri(), message(2));
            assertEquals(List.of(message(1), message(2)), transport.receive());
            try (Stream<Path> s = Files.list(pbs.inbox().resolve("bad"))) {
                assertEquals(List.of("00000000T000000.000000Z-garbage.msg", "stray.txt"),
                        s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertEquals(List.of(), transport.receive());
        }

        @Test
        @DisplayName("an oversized message file is moved aside unread")
        void oversized() throws IOException {
            Files.write(pbs.inbox().resolve("00000000T000000.000000Z-huge.msg"), new byte[100_000]);
            assertEquals(List.of(), transport.receive());
            assertTrue(Files.exists(pbs.inbox().resolve("bad/00000000T000000.000000Z-huge.msg")));
        }

        @Test
        @DisplayName("sending to a node directory that does not exist is UNREACHABLE")
        void unreachable() {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> transport.send(tmp.resolve("gone").toUri(), message(1)));
            assertEquals(ErrorCode.UNREACHABLE, e.code());
        }
    }
}
