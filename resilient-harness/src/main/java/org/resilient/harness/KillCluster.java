package org.resilient.harness;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.NodeLayout;
import org.resilient.api.NodeRole;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.support.fs.AtomicFiles;

/**
 * The cluster of a node-level kill test of a component, on {@code file:} URIs in one directory: a leader
 * {@code db0}, a pull-backup node {@code pbs1} with a {@code copy:} archive that pushes to the import node
 * {@code db1}, which the test runs (and kills) itself. The import node's directory can be saved as a template once its
 * backups are delivered, and put back before each kill point, so every point starts from the same node.
 */
public final class KillCluster implements AutoCloseable {
    private final Path root;
    private final ResilientNode leader;
    private final ResilientNode pbs;

    /**
     * Builds the leader and the pull-backup node.
     *
     * @param root the directory of every node
     * @param leader the leader's builder, with its component and settings (directory and notify are set here)
     */
    public KillCluster(Path root, Resilient.Builder leader) {
        this.root = root;
        this.leader = leader.directory(root.resolve("db0")).notify(uri("pbs1")).build();
        this.pbs = Resilient.node("pbs1", NodeRole.PULL_BACKUP).directory(root.resolve("pbs1"))
                .pullFrom(uri("db0"), uri("db1")).archive(URI.create("copy:" + root.resolve("archive"))).build();
    }

    /**
     * @param node a node's name
     * @return its URI
     */
    public URI uri(String node) {
        return root.resolve(node).toUri();
    }

    /** @return the import node's directory */
    public Path standbyDirectory() {
        return root.resolve("db1");
    }

    /**
     * The leader exports now and the pull-backup node delivers the backup to the import node (not imported).
     *
     * @return the backup
     */
    public BackupId exportAndDeliver() {
        BackupId id = leader.exportNow();
        pbs.poll();
        return id;
    }

    /**
     * Saves the import node's directory as the template.
     *
     * @throws IOException if it cannot be copied
     */
    public void saveStandbyNode() throws IOException {
        copy(standbyDirectory(), root.resolve("db1-template"));
    }

    /**
     * Puts the import node's directory back to the template.
     *
     * @throws IOException if it cannot be copied
     */
    public void restoreStandbyNode() throws IOException {
        copy(root.resolve("db1-template"), standbyDirectory());
    }

    /**
     * @param id a backup delivered to the import node before its directory was saved
     * @return its data in the template, for a test to import it directly with the component
     */
    public Path deliveredData(BackupId id) {
        return NodeLayout.data(new NodeLayout(root.resolve("db1-template")).backup(id));
    }

    private static void copy(Path from, Path to) throws IOException {
        AtomicFiles.deleteTree(to);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    @Override
    public void close() {
        leader.close();
        pbs.close();
    }
}
