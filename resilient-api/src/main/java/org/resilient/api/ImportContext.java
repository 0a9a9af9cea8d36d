package org.resilient.api;

import java.util.Objects;

/**
 * What an {@link org.resilient.api.spi.Importer} receives: the {@link #directory()} holding the backup's
 * data, already verified against its {@link #manifest()}. The importer must not modify it, and must leave
 * the standby's previous state whole if it fails or is cancelled.
 */
public final class ImportContext extends OperationContext {
    private final Manifest manifest;

    private ImportContext(Builder b) {
        super(b);
        this.manifest = Objects.requireNonNull(b.manifest, "manifest");
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
     * The verified manifest of the backup being imported.
     *
     * @return the manifest
     */
    public Manifest manifest() {
        return manifest;
    }

    /**
     * The id of the backup being imported.
     *
     * @return {@code manifest().backupId()}
     */
    public BackupId backupId() {
        return manifest.backupId();
    }

    /** Builds an {@link ImportContext}. */
    public static final class Builder extends OperationContext.Builder<Builder> {
        private Manifest manifest;

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the manifest.
         *
         * @param manifest the verified manifest
         * @return this
         */
        public Builder manifest(Manifest manifest) {
            this.manifest = manifest;
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
