package org.resilient.testkit;

/**
 * What a transport's test can do beyond the minimum, declared once by overriding
 * {@link TransportContract#features()}; tests that need a feature say so with {@link Requires#transport()} and are
 * skipped, naming the feature, for transports that do not declare it.
 */
public enum TransportFeature {
    /**
     * The nodes keep their backups on disk, so a pull or push can stream them through a small buffer; false for a
     * transport whose nodes live in the heap (like the kit's {@code mem} transport), where large-data tests would
     * only measure the heap the nodes need.
     */
    NODES_ON_DISK
}
