package org.resilient.core.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.resilient.api.BackupId;
import org.resilient.core.fs.AtomicFiles;

/**
 * The directories of a node:
 * <pre>
 * &lt;node-dir&gt;/backup/    published backups, one folder per backup id, with MANIFEST + SIGNATURE + data/
 * &lt;node-dir&gt;/incoming/  transfers and exports in progress (never read as a backup)
 * &lt;node-dir&gt;/inbox/     messages from other nodes, one file each
 * &lt;node-dir&gt;/archive/   the pull-backup node's archive
 * &lt;node-dir&gt;/state/     epoch, import state, queue, locks
 * &lt;node-dir&gt;/log/
 * </pre>
 *
 * @param root the node directory
 */
public record NodeLayout(Path root) {
    /** Name of the manifest file in a backup directory. */
    public static final String MANIFEST = "MANIFEST";
    /** Name of the signature file (sha256sum format) in a backup directory. */
    public static final String SIGNATURE = "SIGNATURE";
    /** Name of the data directory in a backup directory. */
    public static final String DATA = "data";

    /**
     * Normalizes the root to an absolute path.
     */
    public NodeLayout {
        root = root.toAbsolutePath().normalize();
    }

    /**
     * Creates every directory of the layout.
     *
     * @return this
     * @throws org.resilient.api.ResilienceException if the directories cannot be created
     */
    public NodeLayout create() {
        for (Path p : new Path[] {backups(), incoming(), inbox(), state(), log()}) {
            try {
                Files.createDirectories(p);
            } catch (IOException e) {
                throw AtomicFiles.ioError("create directory", p, e);
            }
        }
        return this;
    }

    /** @return the folder of published backups */
    public Path backups() {
        return root.resolve("backup");
    }

    /**
     * @param id a backup id
     * @return the folder of that published backup
     */
    public Path backup(BackupId id) {
        return backups().resolve(id.value());
    }

    /** @return the folder of transfers in progress */
    public Path incoming() {
        return root.resolve("incoming");
    }

    /** @return the folder of messages from other nodes */
    public Path inbox() {
        return root.resolve("inbox");
    }

    /** @return the archive folder (pull-backup nodes) */
    public Path archive() {
        return root.resolve("archive");
    }

    /** @return the state folder */
    public Path state() {
        return root.resolve("state");
    }

    /** @return the log folder */
    public Path log() {
        return root.resolve("log");
    }

    /**
     * @param backupDir a backup folder
     * @return its data folder
     */
    public static Path data(Path backupDir) {
        return backupDir.resolve(DATA);
    }
}
