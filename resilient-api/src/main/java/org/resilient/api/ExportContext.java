package org.resilient.api;

import java.util.Objects;

/**
 * What an {@link org.resilient.api.spi.Exporter} receives: an empty {@link #directory()} to write the dump
 * into, the id of the backup being made and the epoch it is made in. The node writes the manifest and
 * publishes the directory after the exporter returns; the exporter never writes outside the directory.
 */
public final class ExportContext extends OperationContext {
    private final BackupId backupId;
    private final Epoch epoch;

    private ExportContext(Builder b) {
        super(b);
        this.backupId = Objects.requireNonNull(b.backupId, "backupId");
        this.epoch = Objects.requireNonNull(b.epoch, "epoch");
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
     * The id of the backup being made.
     *
     * @return the id
     */
    public BackupId backupId() {
        return backupId;
    }

    /**
     * The epoch of the leader making the backup.
     *
     * @return the epoch
     */
    public Epoch epoch() {
        return epoch;
    }

    /** Builds an {@link ExportContext}. */
    public static final class Builder extends OperationContext.Builder<Builder> {
        private BackupId backupId;
        private Epoch epoch = Epoch.INITIAL;

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the backup id.
         *
         * @param backupId the id
         * @return this
         */
        public Builder backupId(BackupId backupId) {
            this.backupId = backupId;
            return this;
        }

        /**
         * Sets the epoch.
         *
         * @param epoch the epoch
         * @return this
         */
        public Builder epoch(Epoch epoch) {
            this.epoch = epoch;
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context
         */
        public ExportContext build() {
            return new ExportContext(this);
        }
    }
}
