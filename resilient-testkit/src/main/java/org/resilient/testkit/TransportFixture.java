package org.resilient.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.resilient.api.BackupId;
import org.resilient.api.spi.Transport;

/**
 * What a transport author gives the {@link TransportContract}: nodes to move backups and messages between,
 * and ways to look at a node other than through the transport under test (to publish a backup as its export
 * node would, and to check what a push delivered).
 *
 * <p>One fixture serves one test; {@link #close()} removes its nodes.
 */
public interface TransportFixture extends AutoCloseable {

    /**
     * Creates a node (for a file transport: a directory laid out with
     * {@link org.resilient.api.NodeLayout#create()}).
     *
     * @param name a name unique within the test
     * @return the node's URI
     */
    URI node(String name);

    /**
     * The URI of a node that does not exist.
     *
     * @param name a name unique within the test
     * @return a URI of the transport's scheme at which no node lives
     */
    URI absentNode(String name);

    /**
     * Opens the transport under test for a node.
     *
     * @param self the node's URI
     * @return the transport
     */
    Transport open(URI self);

    /**
     * Publishes a sealed backup on a node the way its export node does ({@code backup/<id>}).
     *
     * @param node the node
     * @param backupDir the sealed backup directory, copied with modes and times
     * @param id the id to publish it under
     */
    void publish(URI node, Path backupDir, BackupId id);

    /**
     * The ids of the backups a node has published, as a node listing its {@code backup/} folder sees them.
     *
     * @param node the node
     * @return the ids
     */
    List<BackupId> published(URI node);

    /**
     * Copies a published backup out of a node, not through the transport under test, with modes and times.
     *
     * @param node the node
     * @param id the backup
     * @param target a directory that does not exist yet
     */
    void copyPublished(URI node, BackupId id, Path target);

    /**
     * Puts raw bytes into a node's inbox as if a message had arrived (e.g. a file in {@code inbox/} named as
     * the transport names its message files).
     *
     * @param node the node
     * @param bytes the bytes, typically garbage
     */
    void deliverRaw(URI node, byte[] bytes);

    /**
     * Whatever transfers in progress left visible on a node where a node could mistake it for a backup: by
     * default nothing is checked. A file transport returns the entries of {@code backup/} that are not
     * complete backups, e.g. temporary directories.
     *
     * @param node the node
     * @return descriptions of the leftovers, empty when there are none
     */
    default List<String> leftovers(URI node) {
        return List.of();
    }

    /** Removes the nodes. */
    @Override
    void close();
}
