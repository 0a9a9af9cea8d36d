package org.resilient.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The public on-disk layout of a node directory and of a backup directory: the one home of these names, which
 * component authors, tools and scripts may rely on.
 *
 * <pre>
 * &lt;node-dir&gt;/backup/&lt;id&gt;/            a published backup:
 *                              MANIFEST   every file of data/ with size, mode, mtime and SHA-256
 *                              SIGNATURE  sha256sum format: {@code cd backup/<id> && sha256sum -c SIGNATURE}
 *                              MANIFEST.sig  the exporter's signature over MANIFEST (nodes with keys)
 *                              data/      what the component's exporter wrote
 * &lt;node-dir&gt;/incoming/&lt;id&gt;.export/   an export in progress (same shape as a backup; renamed into backup/)
 * &lt;node-dir&gt;/incoming/&lt;id&gt;           a pull or push in progress (never read as a backup)
 * &lt;node-dir&gt;/inbox/                  messages from other nodes, one file each
 * &lt;node-dir&gt;/archive/                the pull-backup node's archive (default location)
 * &lt;node-dir&gt;/state/                  epoch, import state, job queue, locks
 * &lt;node-dir&gt;/log/                    the node's log files
 * </pre>
 *
 * @param root the node directory
 */
public record NodeLayout(Path root) {
    /** Name of the manifest file in a backup directory. */
    public static final String MANIFEST = "MANIFEST";
    /** Name of the signature file (sha256sum format) in a backup directory. */
    public static final String SIGNATURE = "SIGNATURE";
    /**
     * The exporting node's detached signature over the MANIFEST bytes ({@code resilient-manifest-signature=1},
     * {@code signer-cert=}, {@code signature=} lines); absent when the exporter ran without keys.
     */
    public static final String MANIFEST_SIGNATURE = "MANIFEST.sig";
    /** Name of the data directory in a backup directory. */
    public static final String DATA = "data";
    /** Suffix of an export in progress under {@code incoming/}. */
    public static final String EXPORT_SUFFIX = ".export";

    /**
     * Normalizes the root to an absolute path.
     */
    public NodeLayout {
        root = root.toAbsolutePath().normalize();
    }

    /**
     * Creates every directory of the layout; those it creates (the node directory included) are readable by the
     * owner only (0700), whatever the umask: they hold backups with every row of the databases.
     *
     * @return this
     * @throws ResilienceException {@code IO_ERROR} if the directories cannot be created
     */
    public NodeLayout create() {
        for (Path p : new Path[] {backups(), incoming(), inbox(), state(), log()}) {
            try {
                createPrivate(p);
            } catch (IOException e) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot create directory " + p + ": " + e
                        + "; check that the node directory is writable by this user", e);
            }
        }
        return this;
    }

    private static void createPrivate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            createPrivate(dir.getParent());
        }
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
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

    /** @return the folder of transfers and exports in progress */
    public Path incoming() {
        return root.resolve("incoming");
    }

    /**
     * @param id a backup id
     * @return where an export of that backup is made before it is published: {@code incoming/<id>.export}
     */
    public Path exportStaging(BackupId id) {
        return incoming().resolve(id.value() + EXPORT_SUFFIX);
    }

    /**
     * @param id a backup id
     * @return where a pull or push of that backup is received before it is published: {@code incoming/<id>}
     */
    public Path transfer(BackupId id) {
        return incoming().resolve(id.value());
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

    /**
     * @param backupDir a backup folder
     * @return its manifest file
     */
    public static Path manifest(Path backupDir) {
        return backupDir.resolve(MANIFEST);
    }

    /**
     * @param backupDir a backup folder
     * @return its signature file
     */
    public static Path signature(Path backupDir) {
        return backupDir.resolve(SIGNATURE);
    }

    /**
     * The exporter's detached signature of a backup's MANIFEST.
     *
     * @param backupDir a backup directory
     * @return its {@value #MANIFEST_SIGNATURE}
     */
    public static Path manifestSignature(Path backupDir) {
        return backupDir.resolve(MANIFEST_SIGNATURE);
    }
}
