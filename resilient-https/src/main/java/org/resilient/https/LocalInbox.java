package org.resilient.https;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;

/**
 * The node's {@code inbox/}, kept exactly as the {@code file} transport keeps it: the server drops each
 * authenticated message into it through that transport, and {@code receive} takes them out through it. So
 * the on-disk format, the atomic writes and the at-least-once claiming of messages have one implementation,
 * the one every node already runs (the {@code file} transport ships with the core, always present in a node).
 */
final class LocalInbox implements AutoCloseable {
    private final URI directory;
    private final Transport files;

    LocalInbox(Path nodeDirectory) {
        this.directory = nodeDirectory.toUri();
        this.files = fileProvider().open(directory, Settings.empty());
    }

    /**
     * Writes a message into the inbox, atomically.
     *
     * @param m the message
     */
    void deliver(Message m) {
        files.send(directory, m);
    }

    /** @return the messages waiting, oldest first */
    List<Message> receive() {
        return files.receive();
    }

    /**
     * @param handler takes each message before it leaves the inbox
     * @return the number handled
     */
    int receive(Consumer<Message> handler) {
        return files.receive(handler);
    }

    @Override
    public void close() {
        files.close();
    }

    private static TransportProvider fileProvider() {
        for (TransportProvider p : ServiceLoader.load(TransportProvider.class, LocalInbox.class.getClassLoader())) {
            if (p.scheme().equals("file")) {
                return p;
            }
        }
        throw new ResilienceException(ErrorCode.UNKNOWN_PROVIDER, "the https transport keeps its inbox as the file"
                + " transport does, but no 'file' transport is on the class path; add resilient-core");
    }
}
