package org.resilient.testkit.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.NodeLayout;
import org.resilient.testkit.KitFiles;

/**
 * One node of the {@link MemoryNetwork}: its published backups and its inbox of encoded messages. Tests use
 * it to publish backups and to look at what arrived, without a transport.
 *
 * <p>A node of a real resilient node (one whose transport was opened with a {@code node.dir} setting) is
 * <em>attached</em> to that node directory: it publishes in {@code <node.dir>/backup/<id>} like every node
 * does, so pushes land there (appearing by one rename) and pulls read from there. A node without a
 * directory keeps its backups in memory as {@link ByteTree}s. Either way the bytes travel through memory.
 */
public final class MemoryNode {
    private final String name;
    private final ConcurrentSkipListMap<BackupId, ByteTree> backups = new ConcurrentSkipListMap<>();
    private final ConcurrentLinkedQueue<byte[]> inbox = new ConcurrentLinkedQueue<>();
    private volatile NodeLayout layout;
    private volatile Runnable pushHook;
    private volatile MessageHook messageHook;
    private volatile java.util.function.Predicate<String> reachableFrom = from -> true;

    /**
     * What happens to a message on its way into a node's inbox (a fault a test injects): it returns the bytes
     * to deliver now, none to drop or hold it back, two copies to duplicate it, changed bytes to corrupt it. A
     * held-back message is delivered later with {@link #deliver(byte[])}.
     */
    @FunctionalInterface
    public interface MessageHook {
        /**
         * Decides the fate of one message.
         *
         * @param from the name of the sending node
         * @param bytes the encoded message
         * @return the messages to put into the inbox now, in order
         */
        List<byte[]> arrive(String from, byte[] bytes);
    }

    MemoryNode(String name) {
        this.name = name;
    }

    /**
     * Attaches the node to a node directory, where it publishes from now on.
     *
     * @param nodeLayout the node directory
     */
    void attach(NodeLayout nodeLayout) {
        this.layout = nodeLayout;
    }

    /**
     * Runs a hook at the start of every push to this node (a fault a test injects): it may block, count, or
     * throw to make the push fail, as an unreachable host would.
     *
     * @param hook the hook, or null for none
     */
    public void onPush(Runnable hook) {
        pushHook = hook;
    }

    /**
     * Passes every message sent to this node through a hook before it reaches the inbox.
     *
     * @param hook the hook, or null to deliver every message as sent
     */
    public void onMessage(MessageHook hook) {
        messageHook = hook;
    }

    /**
     * Which nodes can reach this one, for messages, pulls and pushes alike (a network partition a test
     * injects); the others get {@code UNREACHABLE}, as from a host behind a broken link.
     *
     * @param from true for the names of the nodes that can reach it; null for all
     */
    public void reachableFrom(java.util.function.Predicate<String> from) {
        reachableFrom = from == null ? x -> true : from;
    }

    boolean reachableBy(String from) {
        return reachableFrom.test(from);
    }

    void deliver(String from, byte[] bytes) {
        MessageHook hook = messageHook;
        if (hook == null) {
            inbox.add(bytes.clone());
            return;
        }
        for (byte[] b : hook.arrive(from, bytes.clone())) {
            inbox.add(b.clone());
        }
    }

    void beforePush() {
        Runnable hook = pushHook;
        if (hook != null) {
            hook.run();
        }
    }

    /**
     * The node directory the node publishes in, if attached.
     *
     * @return the layout
     */
    public Optional<NodeLayout> layout() {
        return Optional.ofNullable(layout);
    }

    /**
     * The node's name.
     *
     * @return the name (the URI is {@code mem:<name>})
     */
    public String name() {
        return name;
    }

    /**
     * Publishes a local backup directory on this node under an id, as an export node would. A backup already
     * published under that id is kept (publishing is idempotent).
     *
     * @param id the backup id
     * @param backupDir the backup directory
     * @return true if it was published, false if one was there already
     */
    public boolean publish(BackupId id, Path backupDir) {
        return publish(id, ByteTree.read(backupDir, ProgressListener.NONE, Cancellation.never()));
    }

    /**
     * Publishes a tree under an id unless one is published already.
     *
     * @param id the id
     * @param tree the backup
     * @return true if it was published
     */
    public synchronized boolean publish(BackupId id, ByteTree tree) {
        return publish(id, tree, ProgressListener.NONE, Cancellation.never());
    }

    /**
     * Publishes a tree under an id unless one is published already; in an attached node's directory the
     * backup appears whole by one rename.
     *
     * @param id the id
     * @param tree the backup
     * @param progress gets write progress
     * @param cancellation checked between files
     * @return true if it was published
     */
    synchronized boolean publish(BackupId id, ByteTree tree, ProgressListener progress, Cancellation cancellation) {
        NodeLayout l = layout;
        if (l == null) {
            return backups.putIfAbsent(id, tree) == null;
        }
        if (Files.exists(l.backup(id), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        tree.writeTo(l.backup(id), progress, cancellation);
        return true;
    }

    /**
     * A published backup.
     *
     * @param id the id
     * @return the tree, if published
     */
    public Optional<ByteTree> backup(BackupId id) {
        return backup(id, ProgressListener.NONE, Cancellation.never());
    }

    Optional<ByteTree> backup(BackupId id, ProgressListener progress, Cancellation cancellation) {
        NodeLayout l = layout;
        if (l == null) {
            return Optional.ofNullable(backups.get(id));
        }
        Path dir = l.backup(id);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ByteTree.read(dir, progress, cancellation));
        } catch (ResilienceException e) {
            // Removed by the node's retention while we read it: as if it was never there.
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && e.code() != ErrorCode.CANCELLED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The ids of the published backups, oldest first.
     *
     * @return the ids
     */
    public List<BackupId> backupIds() {
        NodeLayout l = layout;
        if (l == null) {
            return new ArrayList<>(backups.keySet());
        }
        List<BackupId> ids = new ArrayList<>();
        try (Stream<Path> s = Files.list(l.backups())) {
            s.map(p -> p.getFileName().toString()).forEach(n -> {
                try {
                    ids.add(new BackupId(n));
                } catch (ResilienceException e) {
                    // a temporary name, not a backup
                }
            });
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw KitFiles.ioError("list", l.backups(), e);
        }
        ids.sort(null);
        return ids;
    }

    /**
     * Puts raw bytes into the inbox, as if a message had arrived; tests use it to deliver garbage.
     *
     * @param bytes the bytes
     */
    public void deliver(byte[] bytes) {
        inbox.add(bytes.clone());
    }

    /**
     * The number of messages waiting.
     *
     * @return the count
     */
    public int waiting() {
        return inbox.size();
    }

    List<byte[]> drainInbox() {
        List<byte[]> out = new ArrayList<>();
        byte[] b;
        while ((b = inbox.poll()) != null) {
            out.add(b);
        }
        return out;
    }
}
