package org.resilient.api;

import java.util.Objects;

/**
 * What {@link org.resilient.api.spi.Importer#promote(PromoteContext)} receives: the new epoch the standby
 * becomes leader in. The {@link #directory()} is the node's state directory.
 */
public final class PromoteContext extends OperationContext {
    private final Epoch epoch;

    private PromoteContext(Builder b) {
        super(b);
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
     * The epoch of the new leadership term.
     *
     * @return the epoch
     */
    public Epoch epoch() {
        return epoch;
    }

    /** Builds a {@link PromoteContext}. */
    public static final class Builder extends OperationContext.Builder<Builder> {
        private Epoch epoch;

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the new epoch.
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
        public PromoteContext build() {
            return new PromoteContext(this);
        }
    }
}
