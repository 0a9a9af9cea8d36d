package org.resilient.https;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server of an https node, on the JDK's {@link HttpsServer}: TLS 1.3 only, a client certificate signed by
 * the cluster CA required on every connection. It serves {@code /inbox} ({@link InboxHandler}),
 * {@code /backup/} ({@link BackupHandler}) and {@code /push/} ({@link PushHandler}). Plain HTTP only with the
 * test switch {@value HttpsSettings#INSECURE}.
 */
final class NodeServer implements TransportProvider.Server {
    private static final Logger LOG = LoggerFactory.getLogger(NodeServer.class);
    private static final int THREADS = 8;
    private final HttpServer server;
    private final ExecutorService pool;
    private final LocalInbox inbox;
    private final AtomicLong bytesServed = new AtomicLong();
    private final HttpsSettings settings;
    private boolean closed;

    private NodeServer(HttpsSettings s) {
        this.settings = s;
        NodeLayout layout = new NodeLayout(s.nodeDirectory()).create();
        this.inbox = new LocalInbox(s.nodeDirectory());
        try {
            if (s.plainHttp()) {
                server = HttpServer.create(s.listen(), 64);
            } else {
                SSLContext ctx = Tls.context(s);
                HttpsServer https = HttpsServer.create(s.listen(), 64);
                https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
                    @Override
                    public void configure(HttpsParameters params) {
                        params.setSSLParameters(Tls.parameters(ctx, true));
                    }
                });
                server = https;
            }
        } catch (IOException e) {
            inbox.close();
            throw new ResilienceException(ErrorCode.IO_ERROR, "node " + s.self() + " cannot listen on " + s.listen()
                    + ": " + e.getMessage() + "; is another process (another node?) on that port? Check node.listen", e);
        }
        AtomicInteger n = new AtomicInteger();
        String name = "https-node-" + s.listen().getPort() + "-";
        pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/inbox", new InboxHandler(s.self(), inbox));
        server.createContext("/backup/", new BackupHandler(s.self(), layout, bytesServed));
        server.createContext("/push/", new PushHandler(s.self(), layout));
    }

    /**
     * Starts serving a node.
     *
     * @param s the node's settings
     * @return the running server
     */
    static NodeServer start(HttpsSettings s) {
        NodeServer ns = new NodeServer(s);
        ns.server.start();
        if (s.plainHttp()) {
            LOG.warn("node {} listens on {} over PLAIN HTTP without authentication ({}=true): for tests only",
                    s.self(), ns.address(), HttpsSettings.INSECURE);
        } else {
            LOG.info("node {} listens on {} (TLS 1.3, client certificates of the cluster required)", s.self(),
                    ns.address());
        }
        return ns;
    }

    /** @return the bound address */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** @return the bytes of backup listings and files sent so far */
    long bytesServed() {
        return bytesServed.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        pool.shutdownNow();
        inbox.close();
        LOG.info("node {} stopped listening", settings.self());
    }
}
