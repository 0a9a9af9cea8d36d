package org.resilient.archive.store;

/**
 * How far the scanners may run ahead of the writer: a scanner starts file {@code j} only once the writer has
 * reached file {@code j - lookahead}, which bounds the memory held in file queues. Also carries the store's
 * abort signal, which wakes every waiting scanner.
 */
final class ScanWindow {
    private final int lookahead;
    private final Object progress = new Object();
    private volatile int writerAt = -1;
    private volatile boolean aborted;

    ScanWindow(int lookahead) {
        this.lookahead = lookahead;
    }

    /** The writer has started on file {@code fileNo}. */
    void writerAt(int fileNo) {
        synchronized (progress) {
            writerAt = fileNo;
            progress.notifyAll();
        }
    }

    /** Waits until file {@code fileNo} may be scanned, or the store is aborted. */
    void awaitTurn(int fileNo) throws InterruptedException {
        synchronized (progress) {
            while (!aborted && writerAt < fileNo - lookahead) {
                progress.wait();
            }
        }
    }

    /** Stops the scanners: no new file is started, and chunking stops at its next chunk. */
    void abort() {
        aborted = true;
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    boolean aborted() {
        return aborted;
    }
}
