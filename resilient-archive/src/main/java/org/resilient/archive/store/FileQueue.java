package org.resilient.archive.store;

import java.util.ArrayDeque;
import java.util.concurrent.Future;

/**
 * The chunks of one file on their way from its scanner to the pack writer, in order. Bounded by the
 * bytes of chunk content it holds (chunks already in the archive hold no content) and by count, so a
 * scanner running ahead of the writer cannot fill the heap.
 */
final class FileQueue {

    /**
     * One chunk: its hash and length, its stored bytes when it is new, and its content checksum when the scanner
     * has one ({@code checked}; a file taken whole from a generation that recorded none has none).
     */
    record Item(byte[] hash, int rawLength, Future<Compressed> stored, Throwable error, boolean end, boolean checked,
                long check) {
    }

    /** The stored form of a new chunk. */
    record Compressed(byte[] bytes, int length, boolean zstd) {
    }

    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private final long maxBytes;
    private final int maxCount;
    private long bytes;

    FileQueue(long maxBytes, int maxCount) {
        this.maxBytes = maxBytes;
        this.maxCount = maxCount;
    }

    synchronized void put(Item item) throws InterruptedException {
        long cost = item.stored() == null ? 0 : item.rawLength();
        while (!items.isEmpty() && (bytes + cost > maxBytes || items.size() >= maxCount)) {
            wait();
        }
        items.add(item);
        bytes += cost;
        notifyAll();
    }

    /** Adds the end or an error without waiting for room (so the writer always learns about it). */
    synchronized void close(Throwable error) {
        items.add(new Item(null, 0, null, error, true, false, 0));
        notifyAll();
    }

    synchronized Item take() throws InterruptedException {
        while (items.isEmpty()) {
            wait();
        }
        Item item = items.poll();
        if (item.stored() != null) {
            bytes -= item.rawLength();
        }
        notifyAll();
        return item;
    }
}
