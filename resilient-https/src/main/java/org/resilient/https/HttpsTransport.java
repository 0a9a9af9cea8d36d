package org.resilient.https;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.resilient.api.BackupId;
import org.resilient.api.Message;
import org.resilient.api.MessageCodec;
import org.resilient.api.OperationContext;
import org.resilient.api.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an https node: pulls from, pushes to and sends messages to other nodes over TLS 1.3 with
 * the node's certificate; receives from its own {@code inbox/}, where its {@link NodeServer} (run by the node
 * process, see {@link HttpsTransportProvider#serve}) puts authenticated messages.
 */
final class HttpsTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsTransport.class);
    private final HttpsSettings settings;
    private final PeerClient client;
    private final LocalInbox inbox;

    HttpsTransport(HttpsSettings settings) {
        this.settings = settings;
        this.client = new PeerClient(settings);
        this.inbox = new LocalInbox(settings.nodeDirectory());
    }

    @Override
    public void pull(URI from, BackupId id, Path target, OperationContext context) {
        new Puller(client, from, id, context).pullInto(target);
    }

    @Override
    public void push(Path source, BackupId id, URI to, OperationContext context) {
        new Pusher(client, to, id, context).push(source);
    }

    @Override
    public void send(URI to, Message message) {
        String what = "deliver " + message.type() + " to " + to;
        HttpRequest req = client.request(client.uri(to, "/inbox", null))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.write(message))).build();
        HttpResponse<String> r = client.text(req, what);
        if (r.statusCode() != Replies.NO_CONTENT && r.statusCode() != Replies.OK) {
            throw Replies.refused(r.statusCode(), what, r.body());
        }
        LOG.debug("sent {} to {}", message.type(), to);
    }

    @Override
    public List<Message> receive() {
        return inbox.receive();
    }

    @Override
    public int receive(Consumer<Message> handler) {
        return inbox.receive(handler);
    }

    @Override
    public void close() {
        client.close();
        inbox.close();
    }

    @Override
    public String toString() {
        return "HttpsTransport[" + settings.self() + "]";
    }
}
