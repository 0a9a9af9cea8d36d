package org.resilient.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between one ZooKeeper client and one server, so a test can partition that client alone:
 * {@link #blackhole()} keeps its connections open but stops forwarding bytes (like a firewall dropping
 * packets, so the client notices only by its read timeout) and closes new connections at once, until
 * {@link #restore()}.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private volatile boolean blackholed;
    private volatile boolean closed;

    TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "proxy-" + listener.getLocalPort() + "->" + target.getPort());
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    int targetPort() {
        return target.getPort();
    }

    /** Whether a client connection is open through this proxy now. */
    boolean connected() {
        return clients.stream().anyMatch(s -> !s.isClosed());
    }

    void blackhole() {
        blackholed = true;
    }

    /** Ends the partition: the links dropped while it lasted are closed, new connections are forwarded again. */
    void restore() {
        blackholed = false;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
        clients.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (blackholed) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket();
                server.connect(target, 2000);
                sockets.add(client);
                sockets.add(server);
                clients.add(client);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                // Not try-with-resources: closing a socket's stream closes the socket, and a blackholed link
                // must stay open until an endpoint gives up on its own.
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!blackholed) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the other side closed; close both below
            } finally {
                // A blackholed link stays open: the client must find out by its own timeout.
                if (!blackholed || closed) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }
        }, "pump-" + from.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(TcpProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
