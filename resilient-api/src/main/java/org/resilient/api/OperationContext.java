package org.resilient.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What every operation of a provider receives: the directory it works in, the node's settings, a progress
 * listener, a cancellation signal, a clock and the logger name to log under. Subclasses add what is
 * particular to exporting, importing and promoting.
 */
public class OperationContext {
    private final Path directory;
    private final Settings settings;
    private final ProgressListener progress;
    private final Cancellation cancellation;
    private final Clock clock;
    private final String loggerName;

    /**
     * Creates a context from a builder.
     *
     * @param b the builder
     */
    protected OperationContext(Builder<?> b) {
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.settings = b.settings;
        this.progress = b.progress;
        this.cancellation = b.cancellation;
        this.clock = b.clock;
        this.loggerName = b.loggerName;
    }

    /**
     * A builder for a plain context.
     *
     * @param directory the working directory
     * @return a builder
     */
    public static Plain builder(Path directory) {
        return new Plain().directory(directory);
    }

    /**
     * The directory the operation works in (for an export: where to write the dump; for an import: the
     * verified backup's data to read).
     *
     * @return an absolute path
     */
    public Path directory() {
        return directory;
    }

    /**
     * The node's settings.
     *
     * @return the settings
     */
    public Settings settings() {
        return settings;
    }

    /**
     * Where to report progress.
     *
     * @return the listener, never null
     */
    public ProgressListener progress() {
        return progress;
    }

    /**
     * The cancellation signal to check between steps.
     *
     * @return the signal, never null
     */
    public Cancellation cancellation() {
        return cancellation;
    }

    /**
     * The clock to read time from (tests pass a fixed or fake one).
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * The slf4j logger name to log under, e.g. {@code org.resilient.node.db1.export}.
     *
     * @return the logger name
     */
    public String loggerName() {
        return loggerName;
    }

    /**
     * Fills a context.
     *
     * @param <B> the concrete builder type
     */
    public abstract static class Builder<B extends Builder<B>> {
        private Path directory;
        private Settings settings = Settings.empty();
        private ProgressListener progress = ProgressListener.NONE;
        private Cancellation cancellation = Cancellation.never();
        private Clock clock = Clock.systemUTC();
        private String loggerName = "org.resilient";

        /**
         * This builder, typed.
         *
         * @return this
         */
        protected abstract B self();

        /**
         * Sets the working directory.
         *
         * @param directory the directory
         * @return this
         */
        public B directory(Path directory) {
            this.directory = directory.toAbsolutePath();
            return self();
        }

        /**
         * Sets the settings.
         *
         * @param settings the settings
         * @return this
         */
        public B settings(Settings settings) {
            this.settings = Objects.requireNonNull(settings);
            return self();
        }

        /**
         * Sets the progress listener.
         *
         * @param progress the listener
         * @return this
         */
        public B progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress);
            return self();
        }

        /**
         * Sets the cancellation signal.
         *
         * @param cancellation the signal
         * @return this
         */
        public B cancellation(Cancellation cancellation) {
            this.cancellation = Objects.requireNonNull(cancellation);
            return self();
        }

        /**
         * Sets the clock.
         *
         * @param clock the clock
         * @return this
         */
        public B clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return self();
        }

        /**
         * Sets the logger name.
         *
         * @param loggerName the name
         * @return this
         */
        public B loggerName(String loggerName) {
            this.loggerName = Objects.requireNonNull(loggerName);
            return self();
        }
    }

    /** The builder of a plain {@link OperationContext}. */
    public static final class Plain extends Builder<Plain> {
        @Override
        protected Plain self() {
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context
         */
        public OperationContext build() {
            return new OperationContext(this);
        }
    }
}
