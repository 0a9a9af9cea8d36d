package org.resilient.api.spi;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.resilient.api.BackupId;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;

/**
 * Moves published backups and messages between nodes. A node is named by a URI of the transport's scheme.
 *
 * <p>Nothing partial is ever visible: a pull or push goes into a temporary place and appears whole by a
 * rename. Transfers are resumable: an interrupted pull or push, called again, keeps the files it already
 * copied whole. The receiving node verifies every byte against the manifest before it uses a backup.
 */
public interface Transport extends AutoCloseable {

    /**
     * Copies the backup {@code id} published by the node at {@code from} into {@code target}.
     *
     * @param from the publishing node
     * @param id the backup
     * @param target a local directory that does not exist yet; it appears whole when the pull succeeds
     * @param context progress and cancellation ({@code context.directory()} is a scratch directory)
     * @throws org.resilient.api.ResilienceException {@code NOT_FOUND} if the node has no such backup,
     *     {@code UNREACHABLE} if the node cannot be reached, {@code IO_ERROR} otherwise
     */
    void pull(URI from, BackupId id, Path target, OperationContext context);

    /**
     * Publishes the local backup directory {@code source} on the node at {@code to} under {@code id}.
     * A backup already there under that id is left alone (pushes are idempotent).
     *
     * @param source a published local backup directory
     * @param id the backup
     * @param to the receiving node
     * @param context progress and cancellation
     * @throws org.resilient.api.ResilienceException {@code UNREACHABLE}, {@code NOT_WRITABLE} or
     *     {@code IO_ERROR}
     */
    void push(Path source, BackupId id, URI to, OperationContext context);

    /**
     * Puts a message into the inbox of the node at {@code to}.
     *
     * @param to the receiving node
     * @param message the message
     * @throws org.resilient.api.ResilienceException {@code UNREACHABLE} if it cannot be delivered
     */
    void send(URI to, Message message);

    /**
     * Takes the messages waiting in the inbox of the local node, oldest first. Each message is returned
     * once; a message that cannot be read is reported in the log and dropped, never returned half-read.
     *
     * @return the messages, possibly empty
     */
    List<Message> receive();

    /**
     * Takes the messages waiting in the inbox of the local node, oldest first, and gives each to
     * {@code handler} before removing it from the inbox. A message is removed only once its handler returned,
     * so a crash (or a handler that throws) leaves it in the inbox to be delivered again: at least once, never
     * lost. Handlers must therefore be idempotent. The default takes the messages with {@link #receive()}
     * first, without that guarantee; transports with a durable inbox override it.
     *
     * @param handler takes one message; an exception stops the receive and leaves that message and the ones
     *     after it in the inbox
     * @return the number of messages handled
     */
    default int receive(java.util.function.Consumer<Message> handler) {
        List<Message> messages = receive();
        messages.forEach(handler);
        return messages.size();
    }

    /** Releases connections and threads. */
    @Override
    void close();
}
