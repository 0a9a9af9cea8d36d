package org.resilient.https;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.net.URI;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every endpoint of a node shares: the authenticated peer (from its client certificate) and the
 * answering of failures: a {@link ResilienceException} becomes the status of its code with its message as
 * the body; a peer that went away mid-answer is only logged.
 */
abstract class Handler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Handler.class);

    /**
     * Serves one request.
     *
     * @param ex the exchange
     * @param peer the authenticated node, or null in the plain-HTTP test mode
     * @throws IOException if the peer went away
     */
    abstract void serve(HttpExchange ex, URI peer) throws IOException;

    @Override
    public final void handle(HttpExchange ex) throws IOException {
        try {
            URI peer = null;
            if (ex instanceof HttpsExchange https) {
                peer = Tls.peer(https.getSSLSession());
                if (peer == null) {
                    // The CA signed it, but it names no node: not a certificate 'resilient keys add' made.
                    LOG.warn("refused {} {} from {}: its certificate's CN is not a node name https://host:port",
                            ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRemoteAddress());
                    Replies.text(ex, Replies.FORBIDDEN, "your certificate names no node (CN must be https://host:port)");
                    return;
                }
            }
            serve(ex, peer);
        } catch (ResilienceException e) {
            if (Replies.status(e.code()) == Replies.SERVER_ERROR) {
                LOG.error("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.getMessage());
            }
            answerQuietly(ex, Replies.status(e.code()), e.getMessage());
        } catch (IOException e) {
            LOG.debug("{} {}: the peer went away: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.toString());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed unexpectedly", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
            answerQuietly(ex, Replies.SERVER_ERROR, "internal error: " + e);
        } finally {
            ex.close();
        }
    }

    /**
     * Refuses a request that is not allowed at this path.
     *
     * @param ex the exchange
     * @return an exception to throw
     */
    static ResilienceException badMethod(HttpExchange ex) {
        return new ResilienceException(ErrorCode.MESSAGE_INVALID, ex.getRequestMethod() + " is not allowed on "
                + ex.getRequestURI().getRawPath());
    }

    private static void answerQuietly(HttpExchange ex, int status, String text) {
        try {
            Replies.text(ex, status, text);
        } catch (IOException | RuntimeException e) {
            // The headers were sent already or the peer is gone: nothing more to tell it.
        }
    }
}
