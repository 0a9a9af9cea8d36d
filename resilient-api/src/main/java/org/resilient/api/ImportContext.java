package org.resilient.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link org.resilient.api.spi.Importer} receives: the {@link #directory()} holding the backup's
 * data, already verified against its {@link #manifest()}. The importer must not modify it, and must leave
 * the standby's previous state whole if it fails or is cancelled.
 *
 * <p>A node gives the manifest as its MANIFEST file ({@link #manifestFile()}), read only if {@link #manifest()} is
 * called: a backup of millions of files is then never held as a list unless the importer asks for it (an importer
 * of many files reads the file entry by entry with {@link ManifestCodec#open}).
 */
public final class ImportContext extends OperationContext {
    private final BackupId backupId;
    private final Path manifestFile;
    private final Runnable verification;
    private Manifest manifest;

    private ImportContext(Builder b) {
        super(b);
        if (b.manifest == null && b.manifestFile == null) {
            throw new NullPointerException("manifest");
        }
        this.manifest = b.manifest;
        this.manifestFile = b.manifestFile;
        this.verification = b.verification;
        this.backupId = b.manifest != null ? b.manifest.backupId() : Objects.requireNonNull(b.backupId, "backupId");
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The verified manifest of the backup being imported (read from {@link #manifestFile()} on the first call when
     * the context was given the file).
     *
     * @return the manifest
     * @throws ResilienceException {@code IO_ERROR} if the file cannot be read
     */
    public synchronized Manifest manifest() {
        if (manifest == null) {
            try {
                manifest = ManifestCodec.read(Files.readAllBytes(manifestFile));
            } catch (IOException e) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read " + manifestFile + ": " + e, e);
            }
            if (!manifest.backupId().equals(backupId)) {
                throw new ResilienceException(ErrorCode.MANIFEST_INVALID, manifestFile + " is the MANIFEST of "
                        + manifest.backupId() + ", not of " + backupId);
            }
        }
        return manifest;
    }

    /**
     * The verified MANIFEST file of the backup being imported, when the context was given one: read it entry by
     * entry ({@link ManifestCodec#open}) to go through a large backup without holding its list.
     *
     * @return the file, or empty when the context holds the manifest itself
     */
    public Optional<Path> manifestFile() {
        return Optional.ofNullable(manifestFile);
    }

    /**
     * Waits until the node has verified every byte of the backup. Only the data files the importer accepted to
     * read before ({@link org.resilient.api.spi.Importer#mayReadBeforeVerified}) can still be unverified while
     * it runs: the node hashes them while the importer reads them. An importer that accepts such files calls this
     * before its import becomes visible (before the swap), and leaves the previous state whole if it throws.
     *
     * @throws ResilienceException {@code VERIFICATION_FAILED} if a file differs from the MANIFEST;
     *     {@code CANCELLED} if the import was cancelled meanwhile
     */
    public void awaitVerified() {
        if (verification != null) {
            verification.run();
        }
    }

    /**
     * The id of the backup being imported.
     *
     * @return {@code manifest().backupId()}
     */
    public BackupId backupId() {
        return backupId;
    }

    /** Builds an {@link ImportContext}. */
    public static final class Builder extends OperationContext.Builder<Builder> {
        private Manifest manifest;
        private BackupId backupId;
        private Path manifestFile;
        private Runnable verification;

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The verified manifest, held in memory.
         *
         * @param manifest the manifest
         * @return this builder
         */
        public Builder manifest(Manifest manifest) {
            this.manifest = manifest;
            return this;
        }

        /**
         * The verified manifest as its MANIFEST file, read only when {@link ImportContext#manifest()} is called.
         *
         * @param backupId the backup's id (what the file says)
         * @param manifestFile the MANIFEST file
         * @return this builder
         */
        public Builder manifestFile(BackupId backupId, Path manifestFile) {
            this.backupId = Objects.requireNonNull(backupId, "backupId");
            this.manifestFile = Objects.requireNonNull(manifestFile, "manifestFile");
            return this;
        }

        /**
         * What {@link ImportContext#awaitVerified()} runs: waits for the node's verification of the files the
         * importer reads before they are verified, and throws its failure. Unset: everything is verified already.
         *
         * @param verification waits for the verification and throws its failure
         * @return this builder
         */
        public Builder verification(Runnable verification) {
            this.verification = verification;
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context
         */
        public ImportContext build() {
            return new ImportContext(this);
        }
    }
}
