package org.resilient.testkit.memory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ProgressListener;

/**
 * One node of the {@link MemoryNetwork}: its published backups (held as {@link ByteTree}s) and its inbox of
 * encoded messages. Tests use it to publish backups and to look at what arrived, without a transport.
 */
public final class MemoryNode {
    private final String name;
    private final ConcurrentSkipListMap<BackupId, ByteTree> backups = new ConcurrentSkipListMap<>();
    private final ConcurrentLinkedQueue<byte[]> inbox = new ConcurrentLinkedQueue<>();

    MemoryNode(String name) {
        this.name = name;
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
    public boolean publish(BackupId id, ByteTree tree) {
        return backups.putIfAbsent(id, tree) == null;
    }

    /**
     * A published backup.
     *
     * @param id the id
     * @return the tree, if published
     */
    public Optional<ByteTree> backup(BackupId id) {
        return Optional.ofNullable(backups.get(id));
    }

    /**
     * The ids of the published backups, oldest first.
     *
     * @return the ids
     */
    public List<BackupId> backupIds() {
        return new ArrayList<>(backups.keySet());
    }

    /**
     * Removes a published backup (as a node's cleanup would).
     *
     * @param id the id
     * @return true if it was there
     */
    public boolean unpublish(BackupId id) {
        return backups.remove(id) != null;
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
