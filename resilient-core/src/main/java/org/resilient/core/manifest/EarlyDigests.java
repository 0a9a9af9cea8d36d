package org.resilient.core.manifest;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.support.hash.Sha256;

/**
 * Hashes an export's files while the exporter is still writing others, so that sealing reads each byte once: a
 * background thread walks the data directory again and again and hashes every file that has been at rest (not
 * modified) for {@link #AT_REST} (a {@code pg_dump -Fd} writes one file per table and closes it). The seal then
 * takes a digest from here only if the file provably did not change since it was hashed, and hashes it itself
 * otherwise.
 *
 * <p>Why a digest taken early is safe to reuse: it is used only if the file's size, mtime (to the nanosecond the
 * file system keeps) and inode are the same at the seal as before and after hashing, and its mtime was at least
 * {@link #AT_REST} older than the moment hashing began. Any write after that moment sets mtime to a later time, so
 * the stat differs and the file is hashed again (the rule git uses against "racily clean" files). Only a program
 * that rewrites a file in place, keeps its size and then sets its mtime back to the same instant would get past
 * this; then nothing is damaged either: the pull-backup node and the import node verify every byte against the
 * MANIFEST and refuse such a backup. (ctime would catch even that, but exporters make their output private with a
 * chmod after writing it, which changes every file's ctime: compared, it would leave nothing to reuse.)
 *
 * <p>For an exporter that only appends ({@link org.resilient.api.spi.Exporter#appendsOnly()}: {@code pg_dump -Fd}
 * writes each file from its start to its end and never goes back), files are hashed as they grow instead, reading
 * behind the writer: the biggest table's file, the last to finish, no longer waits for the seal to be read whole
 * (issue 18). The seal then reads only each file's tail written since the last walk. A file whose inode changed or
 * that shrank is hashed again from its start; one rewritten in place, against the exporter's word, gets a digest
 * that the pull-backup node's verification of every byte refuses (the backup fails, nothing wrong is trusted).
 */
public final class EarlyDigests implements AutoCloseable {
    /** How long a file must have been unmodified before it is hashed early. */
    static final Duration AT_REST = Duration.ofSeconds(1);
    private static final Duration PAUSE = Duration.ofMillis(200);
    /**
     * At most this many digests are kept (about 200 bytes each): a tree of more files is hashed early only in part,
     * and the seal hashes the rest, so memory stays bounded whatever the tree.
     */
    static final int MAX_FILES = 50_000;

    private final Path root;
    private final Map<Path, Hashed> hashed = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopped;
    /** Time spent hashing in the current walk (only the background thread uses it). */
    private long hashingNanos;
    private final java.util.concurrent.atomic.AtomicInteger walks = new java.util.concurrent.atomic.AtomicInteger();

    /** The files hashed as they grow, when the exporter only appends (null otherwise). */
    private final Map<Path, Growing> growing;

    private EarlyDigests(Path root, boolean appendsOnly) {
        this.root = root;
        this.growing = appendsOnly ? new ConcurrentHashMap<>() : null;
        this.thread = new Thread(this::run, "early-digests");
        this.thread.setDaemon(true);
    }

    /**
     * Starts hashing the files of a directory in the background as they come to rest.
     *
     * @param root the directory an exporter is filling
     * @return the running hasher; close it (or {@link #stop()}) when the exporter ends
     */
    public static EarlyDigests start(Path root) {
        return start(root, false);
    }

    /**
     * Starts hashing the files of a directory in the background: as they grow if the exporter only appends to its
     * files, else as they come to rest.
     *
     * @param root the directory an exporter is filling
     * @param appendsOnly whether the exporter only ever appends to a file it writes ({@code Exporter.appendsOnly()})
     * @return the running hasher; close it (or {@link #stop()}) when the exporter ends
     */
    public static EarlyDigests start(Path root, boolean appendsOnly) {
        EarlyDigests d = new EarlyDigests(root, appendsOnly);
        d.thread.start();
        return d;
    }

    /**
     * Stops hashing (a file being hashed is finished or abandoned first) and returns what was hashed.
     *
     * @return the digests, each usable for a file only while it stays as it was
     */
    public KnownDigests stop() {
        stopped = true;
        thread.interrupt(); // ends its pause between walks at once
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return this::lookup;
    }

    /** @return how many files are hashed so far (for tests, which wait for the background thread) */
    int hashedCount() {
        return growing != null ? growing.size() : hashed.size();
    }

    /** @return how many bytes of a file are hashed so far as it grew (for tests), -1 if none */
    long grownTo(Path file) {
        Growing g = growing == null ? null : growing.get(file);
        return g == null ? -1 : g.offset;
    }

    /** @return how many walks of the whole tree have ended (for tests) */
    int walks() {
        return walks.get();
    }

    @Override
    public void close() {
        stop();
    }

    private Optional<String> lookup(Path file) {
        if (growing != null) {
            Growing g = growing.get(file);
            return g == null ? Optional.empty() : Optional.ofNullable(g.finish(file));
        }
        Hashed h = hashed.get(file);
        if (h == null) {
            return Optional.empty();
        }
        Stat now = Stat.of(file);
        return now != null && now.equals(h.stat()) ? Optional.of(h.sha256()) : Optional.empty();
    }

    private void run() {
        // appended files are followed to the end; only new ones beyond MAX_FILES are left to the seal
        while (!stopped && (growing != null || hashed.size() < MAX_FILES)) {
            long walkStart = System.nanoTime();
            hashingNanos = 0;
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (stopped || growing == null && hashed.size() >= MAX_FILES) {
                            return FileVisitResult.TERMINATE;
                        }
                        if (attrs.isRegularFile() && growing != null) {
                            hashGrowing(file);
                        } else if (attrs.isRegularFile()) {
                            hashIfAtRest(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE; // removed or renamed meanwhile: the seal looks at it
                    }
                });
                walks.incrementAndGet();
            } catch (IOException e) {
                // the directory is not there yet or went away: the seal hashes whatever this missed
            }
            // between walks: at least as long as listing the tree took (hashing not counted), so that walking a
            // big tree again and again costs at most half a core
            long listing = System.nanoTime() - walkStart - hashingNanos;
            try {
                Thread.sleep(Math.max(PAUSE.toMillis(), listing / 1_000_000));
            } catch (InterruptedException e) {
                return; // stopped
            }
        }
    }

    private void hashIfAtRest(Path file) {
        Instant start = Instant.now();
        Stat before = Stat.of(file);
        Hashed known = hashed.get(file);
        if (before == null || known != null && known.stat().equals(before)
                || before.mtime().toInstant().isAfter(start.minus(AT_REST))) {
            return; // gone, hashed already, or written to too recently
        }
        long hashStart = System.nanoTime();
        try {
            String sha = hash(file);
            if (sha != null && before.equals(Stat.of(file))) {
                hashed.put(file, new Hashed(before, sha));
            }
        } catch (IOException e) {
            // removed meanwhile: nothing known
        } finally {
            hashingNanos += System.nanoTime() - hashStart;
        }
    }

    /** The file's SHA-256, or null if stopped meanwhile (a stop does not wait for a big file to be read). */
    private String hash(Path file) throws IOException {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[1 << 20];
        // FileInputStream reads straight into the array (see Sha256.of)
        try (InputStream in = new FileInputStream(file.toFile())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (stopped) {
                    return null;
                }
                md.update(buf, 0, n);
            }
        }
        return Sha256.hex(md.digest());
    }

    /** Hashes what was appended to a file since the last walk (from its start if it is new, replaced or shrank). */
    private void hashGrowing(Path file) {
        Stat now = Stat.of(file);
        if (now == null) {
            return;
        }
        Growing g = growing.get(file);
        if (g == null || !g.fileKey.equals(now.fileKey()) || now.size() < g.offset) {
            if (g == null && growing.size() >= MAX_FILES) {
                return; // memory stays bounded: the seal hashes it
            }
            g = new Growing(now.fileKey(), Sha256.newDigest());
            growing.put(file, g);
        }
        if (g.offset == now.size()) {
            return; // nothing appended since the last walk
        }
        long hashStart = System.nanoTime();
        try {
            g.readTo(file, now.size(), g.digest, () -> stopped);
        } catch (IOException e) {
            growing.remove(file); // removed meanwhile: the seal looks at it
        } finally {
            hashingNanos += System.nanoTime() - hashStart;
        }
    }

    /**
     * A file hashed from its start to {@code offset} as it grew. Only the background thread changes it, and only
     * until {@link #stop()}; the seal then finishes a copy of the digest with the file's tail.
     */
    private static final class Growing {
        private final Object fileKey;
        private final MessageDigest digest;
        private volatile long offset;

        Growing(Object fileKey, MessageDigest digest) {
            this.fileKey = fileKey;
            this.digest = digest;
        }

        /**
         * Reads the file from {@code offset} to {@code size} into {@code md}, moving {@code offset} along after each
         * block (so that a stop leaves what was read counted); returns at a stop.
         */
        void readTo(Path file, long size, MessageDigest md, java.util.function.BooleanSupplier stop) throws IOException {
            byte[] buf = new byte[1 << 20];
            long at = offset; // one writer: the thread that reads the file
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                in.seek(at);
                while (at < size && !stop.getAsBoolean()) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, size - at));
                    if (n <= 0) {
                        return; // shorter than its size said: the next walk (or the seal) sees what it is
                    }
                    md.update(buf, 0, n);
                    at += n;
                    offset = at;
                }
            }
        }

        /**
         * The whole file's digest, reading only its tail since the last walk; null (hash it whole) if the file was
         * replaced, shrank, or changed while the tail was read.
         */
        String finish(Path file) {
            Stat before = Stat.of(file);
            if (before == null || !fileKey.equals(before.fileKey()) || before.size() < offset) {
                return null;
            }
            try {
                MessageDigest md = (MessageDigest) digest.clone();
                Growing tail = new Growing(fileKey, md);
                tail.offset = offset;
                tail.readTo(file, before.size(), md, () -> false);
                return tail.offset == before.size() && before.equals(Stat.of(file)) ? Sha256.hex(md.digest()) : null;
            } catch (CloneNotSupportedException | IOException e) {
                return null;
            }
        }
    }

    /** What a digest is valid for: the file as it was when hashed. */
    private record Hashed(Stat stat, String sha256) {
    }

    /** The attributes that change with every write of a file (a chmod does not matter: it changes no byte). */
    private record Stat(long size, FileTime mtime, Object fileKey) {
        static Stat of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return a.fileKey() == null ? null : new Stat(a.size(), a.lastModifiedTime(), a.fileKey());
            } catch (IOException e) {
                return null; // gone (or no file key on this platform): never reused
            }
        }
    }
}
