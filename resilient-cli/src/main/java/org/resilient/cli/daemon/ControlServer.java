package org.resilient.cli.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's end of the control channel ({@link ControlProtocol}): listens on {@code state/control.sock}, reads
 * one request per connection and writes the handler's reply, each connection on its own thread (a request may
 * wait for an export of hours while {@code status} must answer at once).
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    /** Answers a request. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Answers a request.
         *
         * @param args the command and its arguments
         * @return the reply
         */
        ControlProtocol.Reply handle(List<String> args);
    }

    private final Path socket;
    private final ServerSocketChannel channel;
    private final Handler handler;
    private final Thread acceptor;

    private ControlServer(Path socket, ServerSocketChannel channel, Handler handler) {
        this.socket = socket;
        this.channel = channel;
        this.handler = handler;
        this.acceptor = new Thread(this::accept, "resilient-control");
        this.acceptor.setDaemon(true);
    }

    /**
     * Listens on a socket. A socket file left by a daemon that died is replaced (the caller holds the daemon
     * lock, so no other daemon listens on it). The socket is bound under a temporary name, made 0600, and then
     * renamed into place, so that it is never reachable by others, not even for a moment.
     *
     * @param socket the socket's path, {@code state/control.sock}
     * @param handler answers requests
     * @return the listening server
     * @throws ResilienceException {@code IO_ERROR} if the socket cannot be made (e.g. its path is longer than the
     *     about 100 bytes a Unix socket path may have)
     */
    public static ControlServer start(Path socket, Handler handler) {
        Path tmp = socket.resolveSibling(socket.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        ServerSocketChannel channel = null;
        try {
            Files.deleteIfExists(tmp);
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a stale temporary socket is replaced at the next start
            }
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot listen on the control socket " + socket + ": " + e, e);
        }
        ControlServer server = new ControlServer(socket, channel, handler);
        server.acceptor.start();
        return server;
    }

    private void accept() {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                Thread t = new Thread(() -> serve(client), "resilient-control-request");
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("control channel: cannot accept a connection: {}", e.toString());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            String line = readLine(Channels.newInputStream(client));
            ControlProtocol.Reply reply = answer(line);
            StringBuilder out = new StringBuilder();
            for (String l : reply.lines()) {
                int space = l.indexOf(' ');
                out.append(l, 0, space + 1).append(ControlProtocol.escape(l.substring(space + 1))).append('\n');
            }
            out.append("exit ").append(reply.exit()).append('\n');
            ByteBuffer bytes = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                client.write(bytes);
            }
        } catch (IOException e) {
            // The client went away (e.g. Ctrl-C); the work it asked for has run anyway.
            LOG.info("control channel: the client left before the answer: {}", e.toString());
        }
    }

    private ControlProtocol.Reply answer(String line) {
        List<String> words = line == null ? List.of() : Arrays.asList(line.split(" "));
        if (words.isEmpty() || !ControlProtocol.VERSION.equals(words.get(0)) || words.size() < 2) {
            return new ControlProtocol.Reply.Builder().err("error [USAGE]: not a " + ControlProtocol.VERSION
                    + " request; see ControlProtocol").exit(ErrorCode.CONFIG_INVALID.exitStatus());
        }
        try {
            return handler.handle(words.subList(1, words.size()));
        } catch (RuntimeException e) {
            LOG.error("control channel: request '{}' failed unexpectedly", line, e);
            return new ControlProtocol.Reply.Builder().err("internal error: " + e).exit(1);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= ControlProtocol.MAX_REQUEST) {
                return null;
            }
            line.write(b);
        }
        return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** @return the socket's path */
    public Path socket() {
        return socket;
    }

    /** Stops listening and removes the socket (requests being answered still get their answer). */
    @Override
    public void close() {
        closeQuietly(channel);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove the control socket {}: {}", socket, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a socket channel that failed to bind
        }
    }
}
