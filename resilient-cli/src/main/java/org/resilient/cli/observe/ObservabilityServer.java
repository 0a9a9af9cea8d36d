package org.resilient.cli.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.NodeStatus;
import org.resilient.core.ResilientNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a node's {@code GET /health} and {@code GET /metrics} over plain HTTP on {@code node.metrics-listen}.
 * Read-only and without data: {@code /health} answers 200 when the node is healthy and 503 otherwise, with the
 * node's status as a JSON body (the document of {@code resilient status --json}); {@code /metrics} answers in the
 * Prometheus text format (official Prometheus Java client), see {@link NodeMetrics}. Any other path is 404, any
 * other method 405. One thread answers, so a scraper cannot load the node.
 */
public final class ObservabilityServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ObservabilityServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private ObservabilityServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving.
     *
     * @param node the node to report on
     * @param hostPort {@code host:port}, {@code [v6-address]:port}, or a port alone (then on loopback); port 0 picks
     *     a free one (see {@link #port()})
     * @return the running server; closing it stops it
     * @throws ResilienceException {@code CONFIG_INVALID} for a malformed address, {@code IO_ERROR} if it cannot listen
     */
    public static AutoCloseable start(ResilientNode node, String hostPort) {
        return listen(node, hostPort);
    }

    /**
     * Starts serving, giving the server's own type (tests read the port).
     *
     * @param node the node
     * @param hostPort as for {@link #start}
     * @return the running server
     */
    public static ObservabilityServer listen(ResilientNode node, String hostPort) {
        InetSocketAddress address = address(hostPort);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new NodeMetrics(node));
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot serve /health and /metrics on " + hostPort
                    + " (node.metrics-listen): " + e.getMessage() + "; choose a free port", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "resilient-metrics-" + node.name());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        // Contexts match by prefix: each answers its exact path only.
        server.createContext("/", x -> answer(x, () -> switch (x.getRequestURI().getPath()) {
            case "/health" -> health(node);
            case "/metrics" -> metrics(registry);
            default -> new Reply(404, "text/plain; charset=utf-8", "not found: this server has GET /health and GET /metrics only\n");
        }));
        server.start();
        LOG.info("node {}: /health and /metrics on http://{}:{}", node.name(), address.getHostString(),
                server.getAddress().getPort());
        return new ObservabilityServer(server, executor);
    }

    /** @return the port listened on */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Parses {@code node.metrics-listen}.
     *
     * @param hostPort {@code host:port}, {@code [v6]:port} or {@code port}
     * @return the address; a port alone is on loopback
     */
    static InetSocketAddress address(String hostPort) {
        String v = hostPort == null ? "" : hostPort.trim();
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? null : v.substring(0, colon);
        String port = colon < 0 ? v : v.substring(colon + 1);
        if (host != null && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535 || host != null && host.isEmpty()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "node.metrics-listen '" + hostPort
                    + "' is not host:port or a port (e.g. 127.0.0.1:9464, or 9464 for loopback)");
        }
        return host == null ? new InetSocketAddress(InetAddress.getLoopbackAddress(), p) : new InetSocketAddress(host, p);
    }

    private record Reply(int status, String contentType, byte[] body) {
        Reply(int status, String contentType, String body) {
            this(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Reply health(ResilientNode node) {
        try {
            NodeStatus s = node.status();
            return new Reply(s.healthy() ? 200 : 503, "application/json", StatusJson.write(s) + "\n");
        } catch (RuntimeException e) {
            return new Reply(503, "application/json", StatusJson.failure(node.name(), e.getMessage()) + "\n");
        }
    }

    private static Reply metrics(PrometheusRegistry registry) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
            writer.write(body, registry.scrape(), EscapingScheme.ALLOW_UTF8);
            return new Reply(200, writer.getContentType(), body.toByteArray());
        } catch (IOException | RuntimeException e) {
            LOG.warn("/metrics failed: {}", e.getMessage());
            return new Reply(500, "text/plain; charset=utf-8", "metrics could not be collected: " + e.getMessage() + "\n");
        }
    }

    private static void answer(HttpExchange x, java.util.function.Supplier<Reply> reply) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            Reply r = "GET".equals(method) || "HEAD".equals(method) ? reply.get()
                    : new Reply(405, "text/plain; charset=utf-8", "method not allowed: read-only, use GET\n");
            x.getResponseHeaders().set("Content-Type", r.contentType());
            x.getResponseHeaders().set("Cache-Control", "no-store");
            if (r.status() == 405) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
            }
            boolean head = "HEAD".equals(method);
            x.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
            if (!head) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(r.body());
                }
            }
        }
    }

    /** Stops serving (waits at most a second for an answer in progress). */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
