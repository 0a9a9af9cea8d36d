package org.resilient.cli.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.resilient.api.ErrorCode;

/** The command's end of the control channel ({@link ControlProtocol}). */
public final class ControlClient {
    private ControlClient() {
    }

    /**
     * Asks the node's daemon to run a command, prints its output and returns its exit status.
     *
     * @param socket the node's {@code state/control.sock}
     * @param args the command and its arguments, e.g. {@code export}
     * @param out where the command's output goes
     * @param err where its errors go
     * @return the exit status, or empty if no daemon listens (the caller then does the work itself)
     */
    public static OptionalInt forward(Path socket, List<String> args, PrintWriter out, PrintWriter err) {
        if (!Files.exists(socket)) {
            return OptionalInt.empty();
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        try (channel) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                // A socket left by a daemon that was killed, or one this user may not use: do the work here.
                if (e instanceof AccessDeniedException || String.valueOf(e.getMessage()).contains("ermission")) {
                    err.println("warning: cannot use the running node's control socket " + socket + " (" + e.getMessage()
                            + "); running here instead");
                }
                return OptionalInt.empty();
            }
            ByteBuffer request = ByteBuffer.wrap((ControlProtocol.VERSION + " " + String.join(" ", args) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("out ")) {
                    out.println(ControlProtocol.unescape(line.substring(4)));
                } else if (line.startsWith("err ")) {
                    err.println(ControlProtocol.unescape(line.substring(4)));
                } else if (line.startsWith("exit ")) {
                    out.flush();
                    err.flush();
                    return OptionalInt.of(Integer.parseInt(line.substring(5).trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            err.println("error [" + ErrorCode.CANCELLED + "]: lost the running node's answer (" + e
                    + "); see its log for what it did");
            return OptionalInt.of(ErrorCode.CANCELLED.exitStatus());
        }
        err.println("error [" + ErrorCode.CANCELLED + "]: the running node stopped before it answered; see its log for"
                + " what it did");
        return OptionalInt.of(ErrorCode.CANCELLED.exitStatus());
    }
}
