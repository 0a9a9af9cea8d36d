package org.resilient.api;

import java.util.Objects;

/**
 * What {@link org.resilient.api.spi.Importer#promote(RoleChangeContext)} and
 * {@link org.resilient.api.spi.Importer#demote(RoleChangeContext)} receive: the epoch of the new leadership term
 * (the one this node leads in when promoted; the one another node leads in when this node is demoted). The
 * {@link #directory()} is the node's state directory.
 */
public final class RoleChangeContext extends OperationContext {
    private final Epoch epoch;

    private RoleChangeContext(Builder b) {
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

    /** Builds a {@link RoleChangeContext}. */
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
        public RoleChangeContext build() {
            return new RoleChangeContext(this);
        }
    }
}
