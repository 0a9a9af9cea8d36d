package org.resilient.testkit.memory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Transport;
import org.resilient.api.MessageCodec;

/**
 * A {@link Transport} between nodes of the {@link MemoryNetwork} in one process. Backups travel as
 * {@link ByteTree}s; a pull writes the tree out beside the target and renames it into place, so nothing
 * partial is ever visible. Messages are encoded with {@link MessageCodec} and decoded on receipt.
 */
final class MemoryTransport implements Transport {
    // The JDK's logger: the kit depends on the API and JUnit only (it reaches SLF4J where a bridge is installed).
    private static final System.Logger LOG = System.getLogger(MemoryTransport.class.getName());

    private final MemoryNode self;
    private volatile boolean closed;

    MemoryTransport(MemoryNode self) {
        this.self = self;
    }

    @Override
    public void pull(URI from, BackupId id, Path target, OperationContext context) {
        checkOpen();
        context.cancellation().throwIfCancelled("pull of " + id + " from " + from);
        MemoryNode node = reach(from);
        ByteTree tree = node.backup(id, context.progress(), context.cancellation()).orElseThrow(() -> new ResilienceException(ErrorCode.NOT_FOUND,
                "node " + from + " has no published backup " + id + "; it may have been removed, pull a newer one"));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot pull " + id + " into " + target
                    + ": it exists already; remove it or pull into a new directory");
        }
        tree.writeTo(target, context.progress(), context.cancellation());
    }

    @Override
    public void push(Path source, BackupId id, URI to, OperationContext context) {
        checkOpen();
        context.cancellation().throwIfCancelled("push of " + id + " to " + to);
        MemoryNode node = reach(to);
        node.beforePush();
        if (node.backupIds().contains(id)) {
            LOG.log(System.Logger.Level.DEBUG, "{0} already has backup {1}; push is a no-op", to, id);
            return;
        }
        // Read whole first: the node sees the backup only once it is complete.
        ByteTree tree = ByteTree.read(source, context.progress(), context.cancellation());
        context.cancellation().throwIfCancelled("push of " + id + " to " + to);
        if (!node.publish(id, tree, ProgressListener.NONE, context.cancellation())) {
            LOG.log(System.Logger.Level.DEBUG, "{0} already has backup {1}; push is a no-op", to, id);
        }
    }

    @Override
    public void send(URI to, Message message) {
        checkOpen();
        reach(to).deliver(self.name(), MessageCodec.write(message));
    }

    @Override
    public List<Message> receive() {
        checkOpen();
        List<Message> out = new ArrayList<>();
        for (byte[] raw : self.drainInbox()) {
            try {
                out.add(MessageCodec.read(raw));
            } catch (ResilienceException e) {
                LOG.log(System.Logger.Level.WARNING, "node {0} dropped a message it cannot read ({1} bytes): {2}",
                        self.name(), raw.length, e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
    }

    private MemoryNode reach(URI uri) {
        String name = MemoryNetwork.name(uri);
        MemoryNode node = MemoryNetwork.find(name).orElseThrow(() -> new ResilienceException(ErrorCode.UNREACHABLE,
                "in-memory node " + uri + MemoryNetwork.whyDown(name).map(why -> " is down: " + why)
                        .orElse(" does not exist (no transport was opened for it in this process)")));
        if (!node.reachableBy(self.name()) || !self.reachableBy(name)) {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "in-memory node " + uri + " cannot be reached from "
                    + self.name() + ": the nodes are partitioned");
        }
        return node;
    }

    private void checkOpen() {
        if (closed) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "transport of " + self.name() + " is closed");
        }
    }
}
