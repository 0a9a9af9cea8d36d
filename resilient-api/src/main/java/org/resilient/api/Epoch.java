package org.resilient.api;

/**
 * A fencing token: the number of the leadership term. Every takeover raises it; every message carries it;
 * a node refuses messages from an older epoch and demotes itself when it sees a newer one. At most one
 * node exports per epoch.
 *
 * @param value the term number, zero or more
 */
public record Epoch(long value) implements Comparable<Epoch> {
    /** The first epoch, before any takeover. */
    public static final Epoch INITIAL = new Epoch(0);

    /**
     * Checks the value.
     *
     * @throws IllegalArgumentException if the value is negative
     */
    public Epoch {
        if (value < 0) {
            throw new IllegalArgumentException("epoch must be >= 0: " + value);
        }
    }

    /**
     * The epoch after this one.
     *
     * @return this plus one
     */
    public Epoch next() {
        return new Epoch(value + 1);
    }

    /**
     * Whether this epoch is older than another.
     *
     * @param other the epoch to compare to
     * @return true if this is strictly older
     */
    public boolean isOlderThan(Epoch other) {
        return value < other.value;
    }

    @Override
    public int compareTo(Epoch other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
