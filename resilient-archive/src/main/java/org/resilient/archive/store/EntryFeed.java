package org.resilient.archive.store;

import java.util.ArrayDeque;
import org.resilient.archive.tree.TreeEntry;

/**
 * The entries of a store, read once from the {@link SourceWalk} and shared by the writer, which takes every entry in
 * order, and the scanners, which take the files in order, at most {@code lookahead} files ahead of the writer. Only
 * the entries between the writer and the scanners are held, so memory does not grow with the number of files.
 * Also carries the store's abort signal, which wakes every waiting scanner.
 */
final class EntryFeed {
    // Entries read ahead of the writer at most (a run of directories between two files), besides the files.
    private static final int MAX_PENDING = 4096;

    /**
     * One entry, with its file number and the queue of its chunks when it is a file.
     *
     * @param entry the entry
     * @param fileNo its number among the files, or -1
     * @param queue its chunks on their way to the writer, or null
     * @param looked the parent's entry when a {@link Shortcut} looked it up already (a scanner must not take it
     *     again), or null
     */
    record Slot(SourceEntry entry, int fileNo, FileQueue queue, Looked looked) {
    }

    /**
     * The parent's entry of a file, looked up as the file was read from the walk.
     *
     * @param before the parent's entry, or null if the parent has none
     */
    record Looked(TreeEntry before) {
    }

    /**
     * Takes a file without a scanner when the files cache finds it unchanged: its queue is filled from the parent
     * at once, on the thread reading the walk. A scanner would cost several thread hand-offs (futex calls) per file,
     * which dominated the store of an unchanged tree of small files.
     */
    interface Shortcut {
        /**
         * Tries to take a file whole from the parent.
         *
         * @param e the file
         * @param q its queue, empty, holding up to the queue's count of chunks without waiting
         * @return null if the file was taken (its queue is filled and closed), else the parent's entry looked up
         */
        Looked tryTake(SourceEntry e, FileQueue q);
    }

    private final SourceWalk walk;
    private final int lookahead;
    private final long queueBytes;
    private final int queueCount;
    private final ArrayDeque<Slot> pending = new ArrayDeque<>();
    private final ArrayDeque<Slot> unscanned = new ArrayDeque<>();
    private int files;
    private int writerAt = -1;
    private boolean ended;
    private RuntimeException failure;
    private volatile boolean aborted;
    private Shortcut shortcut;

    /**
     * A feed.
     *
     * @param walk the walk of the directory being stored
     * @param lookahead how many files the scanners may run ahead of the writer
     * @param queueBytes the bound of each file's chunk queue, in bytes of content
     * @param queueCount the bound of each file's chunk queue, in chunks
     */
    EntryFeed(SourceWalk walk, int lookahead, long queueBytes, int queueCount) {
        this.walk = walk;
        this.lookahead = lookahead;
        this.queueBytes = queueBytes;
        this.queueCount = queueCount;
    }

    /**
     * Sets the files-cache shortcut (before the first entry is read).
     *
     * @param s the shortcut
     */
    synchronized void shortcut(Shortcut s) {
        this.shortcut = s;
    }

    /**
     * The writer's next entry, in path order. A file's number tells the scanners how far the writer is.
     *
     * @return the entry, or null after the last
     * @throws RuntimeException the walk's failure (an unreadable entry, a special file, a name not UTF-8), once
     *     every entry before it was taken
     */
    synchronized Slot take() {
        while (pending.isEmpty()) {
            if (!readOne()) {
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
        }
        Slot s = pending.poll();
        if (s.fileNo() >= 0) {
            writerAt = s.fileNo();
        }
        if (s.fileNo() >= 0 && !unscanned.isEmpty() || pending.size() == MAX_PENDING - 1) {
            notifyAll(); // a scanner may start the next file, or read further (not woken for nothing: each wake-up
                         // of every scanner for every file was most of the store of an unchanged tree)
        }
        return s;
    }

    /**
     * A scanner's next file, in order, once the writer is close enough to it.
     *
     * @return the file, or null when there are no more or the store was aborted
     * @throws InterruptedException if interrupted while waiting
     */
    synchronized Slot claim() throws InterruptedException {
        while (!aborted) {
            Slot s = unscanned.peek();
            if (s != null) {
                if (s.fileNo() <= writerAt + lookahead) {
                    return unscanned.poll();
                }
                wait();
            } else if (ended) {
                return null;
            } else if (pending.size() >= MAX_PENDING) {
                wait();
            } else {
                readOne();
            }
        }
        return null;
    }

    /** Stops the scanners: no new file is started, and chunking stops at its next chunk. */
    synchronized void abort() {
        aborted = true;
        notifyAll();
    }

    boolean aborted() {
        return aborted;
    }

    /** The number of files read from the walk so far (all of them once {@link #take} gave null). */
    synchronized int files() {
        return files;
    }

    /** Reads one entry from the walk (under the lock: the walk is not shared otherwise). */
    private boolean readOne() {
        if (ended) {
            return false;
        }
        SourceEntry e;
        try {
            e = walk.next();
        } catch (RuntimeException x) {
            failure = x;
            e = null;
        }
        if (e == null) {
            ended = true;
            notifyAll();
            return false;
        }
        boolean file = e.type() == TreeEntry.Type.FILE;
        FileQueue q = file ? new FileQueue(queueBytes, queueCount) : null;
        Looked looked = file && shortcut != null ? shortcut.tryTake(e, q) : null;
        boolean taken = file && shortcut != null && looked == null;
        Slot s = new Slot(e, file ? files++ : -1, q, looked);
        pending.add(s);
        if (file && !taken) {
            unscanned.add(s);
            notifyAll();
        }
        return true;
    }
}
