package org.resilient.https;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.MessageCodec;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /inbox}: a message from another node, in the {@link MessageCodec} text form. It is accepted only
 * if its {@code from} is the node that authenticated the connection; then it is written atomically into
 * {@code inbox/} as the {@code file} transport writes it, so the node receives it as any other message.
 */
final class InboxHandler extends Handler {
    private static final Logger LOG = LoggerFactory.getLogger(InboxHandler.class);
    private final URI self;
    private final LocalInbox inbox;

    InboxHandler(URI self, LocalInbox inbox) {
        this.self = self;
        this.inbox = inbox;
    }

    @Override
    void serve(HttpExchange ex, URI peer) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            throw badMethod(ex);
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MessageCodec.MAX_BYTES + 1);
        }
        Message m = MessageCodec.read(body);
        if (peer != null && !peer.equals(NodeName.parse(m.from()))) {
            LOG.warn("refused a {} message claiming to come from '{}': the connection was authenticated as {};"
                    + " nothing was written", m.type(), m.from(), peer);
            throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "node " + self + " refuses the message: its"
                    + " 'from' is '" + m.from() + "' but your certificate says you are " + peer);
        }
        inbox.deliver(m);
        LOG.debug("accepted {} from {} (epoch {})", m.type(), m.from(), m.epoch().value());
        ex.sendResponseHeaders(Replies.NO_CONTENT, -1);
    }
}
