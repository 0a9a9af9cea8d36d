package org.resilient.https;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The client side of a node: the JDK's {@link HttpClient} over TLS 1.3 with the node's certificate (so peers
 * know who asks) and the cluster CA (so it knows who answers). Turns network failures into
 * {@link ResilienceException}s: {@code UNREACHABLE} for a node that cannot be reached,
 * {@code AUTHENTICATION_FAILED} for a TLS handshake that failed, {@code CANCELLED} for an interrupted thread.
 */
final class PeerClient implements AutoCloseable {
    private final HttpsSettings settings;
    private final ExecutorService executor;
    private final HttpClient http;

    PeerClient(HttpsSettings s) {
        this.settings = s;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "https-client");
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(s.connectTimeout()).executor(executor).followRedirects(HttpClient.Redirect.NEVER);
        if (!s.plainHttp()) {
            SSLContext ctx = Tls.context(s);
            b.sslContext(ctx).sslParameters(Tls.parameters(ctx, false));
        }
        this.http = b.build();
    }

    /**
     * The address of a path on a node.
     *
     * @param node the node
     * @param rawPath an already encoded path, e.g. {@code /backup/<id>/}
     * @param rawQuery an encoded query, or null
     * @return the request URI
     */
    URI uri(URI node, String rawPath, String rawQuery) {
        URI n = NodeName.of(node, "node");
        String host = n.getHost().contains(":") && !n.getHost().startsWith("[") ? "[" + n.getHost() + "]" : n.getHost();
        return URI.create((settings.plainHttp() ? "http" : "https") + "://" + host + ":" + n.getPort() + rawPath
                + (rawQuery == null ? "" : "?" + rawQuery));
    }

    /**
     * A request builder with the transport's timeout.
     *
     * @param uri the request URI
     * @return the builder
     */
    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(settings.requestTimeout());
    }

    /**
     * Sends a request whose answer is small text.
     *
     * @param req the request
     * @param what what is asked, for errors
     * @return the response
     */
    HttpResponse<String> text(HttpRequest req, String what) {
        return send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), what);
    }

    /**
     * Sends a request whose answer is streamed (a file); the caller closes the stream.
     *
     * @param req the request
     * @param what what is asked, for errors
     * @return the response
     */
    HttpResponse<InputStream> stream(HttpRequest req, String what) {
        return send(req, HttpResponse.BodyHandlers.ofInputStream(), what);
    }

    /**
     * Sends a request whose answer's body a subscriber of the caller's consumes as it arrives (a file), without
     * waiting for it: the caller's thread may work meanwhile, then waits with {@link #await}.
     *
     * @param req the request
     * @param handler makes the subscriber from the status and headers
     * @param <T> the body's type
     * @return the response, complete once its body is consumed
     */
    <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        return http.sendAsync(req, handler);
    }

    /**
     * Waits for a response sent with {@link #sendAsync}.
     *
     * @param f the response to come
     * @param req the request
     * @param what what is asked, for errors
     * @param <T> the body's type
     * @return the response, once its body is consumed
     * @throws ResilienceException the subscriber's own failure as it is, or one of {@link #failure}'s
     */
    <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> f, HttpRequest req, String what) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, what + " was interrupted", e);
        } catch (ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof ResilienceException r) {
                    throw r;
                }
            }
            if (e.getCause() instanceof IOException io) {
                throw failure(what, req.uri(), io);
            }
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot " + what + ": " + e.getCause(), e.getCause());
        }
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, String what) {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, what + " was interrupted", e);
        } catch (IOException e) {
            throw failure(what, req.uri(), e);
        }
    }

    /**
     * Explains a network failure.
     *
     * @param what what was asked
     * @param uri where
     * @param e the failure
     * @return the exception to throw
     */
    static ResilienceException failure(String what, URI uri, IOException e) {
        String node = uri.getHost() + ":" + uri.getPort();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "cannot " + what + ": the TLS handshake"
                        + " with " + node + " failed (" + t.getMessage() + "); both nodes need certificates of the"
                        + " same cluster CA ('resilient keys') whose CN is their name https://host:port", e);
            }
        }
        String why = e instanceof ConnectException ? "nothing answers there"
                : e instanceof HttpTimeoutException ? "no answer in time" : String.valueOf(e);
        return new ResilienceException(ErrorCode.UNREACHABLE, "cannot " + what + ": node " + node
                + " is unreachable (" + why + "); check that its node process runs and listens there (node.listen)", e);
    }

    @Override
    public void close() {
        // The JDK 17 HttpClient has no close(): its selector thread ends once the client is unreachable.
        executor.shutdownNow();
    }
}
