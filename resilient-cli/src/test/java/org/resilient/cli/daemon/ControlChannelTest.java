package org.resilient.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control channel's protocol, between the real client and server with a stand-in handler. */
class ControlChannelTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a reply's lines, backslashes and exit status arrive as the handler gave them; the socket is 0600")
    void roundTrip() throws Exception {
        Path socket = dir.resolve("control.sock");
        String message = "error [IO_ERROR]: 2 problems:\n  C:\\path\\n is not a file\n  second";
        try (ControlServer server = ControlServer.start(socket, args -> new ControlProtocol.Reply.Builder()
                .out("asked: " + String.join("|", args)).err(message).exit(5))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            OptionalInt status = ControlClient.forward(socket, List.of("export", "--announce-only"),
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertEquals(OptionalInt.of(5), status);
            assertEquals("asked: export|--announce-only\n", out.toString());
            assertEquals(message + "\n", err.toString());
        }
        assertFalse(Files.exists(socket), "closing removes the socket");
    }

    @Test
    @DisplayName("a request that is not the protocol's gets a usage error, not a crash")
    void badRequest() throws Exception {
        Path socket = dir.resolve("control.sock");
        try (ControlServer server = ControlServer.start(socket, args -> new ControlProtocol.Reply.Builder().exit(0));
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET / HTTP/1.1\n".getBytes(StandardCharsets.UTF_8)));
            List<String> reply = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
                    .lines().toList();
            assertTrue(reply.get(0).startsWith("err error [USAGE]"), reply.toString());
            assertEquals("exit 2", reply.get(reply.size() - 1));
        }
    }

    @Test
    @DisplayName("no socket, or one nobody listens on (left by kill -9), means no daemon: the command works itself")
    void noDaemon() throws Exception {
        Path socket = dir.resolve("control.sock");
        PrintWriter sink = new PrintWriter(new StringWriter());
        assertEquals(OptionalInt.empty(), ControlClient.forward(socket, List.of("status"), sink, sink));
        ControlServer.start(socket, args -> new ControlProtocol.Reply.Builder().exit(0)).close();
        try (var left = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            left.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "a bound socket file stays after its channel is closed");
        assertEquals(OptionalInt.empty(), ControlClient.forward(socket, List.of("status"), sink, sink));
    }
}
