package org.resilient.support.hash;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SHA-256, the one hash of resilient (manifests, signatures, the archive's chunk ids): of bytes, byte ranges and
 * files, as raw bytes or lowercase hex; plus the hex codec and the hash words the archive's tables are keyed by.
 *
 * <p>Speed matters here (the archive hashes every chunk it stores or restores): the one-shot methods reuse one
 * digest per thread, files are read straight into a large array, and {@link #warmUpInBackground()} gets the CPU
 * intrinsic compiled before the bulk of the hashing starts.
 */
public final class Sha256 {
    private static final int FILE_BUFFER = 1 << 20;
    private static final ThreadLocal<MessageDigest> PER_THREAD = ThreadLocal.withInitial(Sha256::newDigest);
    private static final HexFormat HEX = HexFormat.of();
    private static final AtomicBoolean WARMED = new AtomicBoolean();

    private Sha256() {
    }

    /**
     * A new SHA-256 digest, for content hashed piece by piece.
     *
     * @return the digest
     */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /**
     * SHA-256 of a byte range, with this thread's digest (the archive's per-chunk hash).
     *
     * @param b bytes
     * @param off start
     * @param len length
     * @return 32 bytes
     */
    public static byte[] sha256(byte[] b, int off, int len) {
        MessageDigest md = PER_THREAD.get();
        md.update(b, off, len);
        return md.digest();
    }

    /**
     * SHA-256 of bytes, as lowercase hex.
     *
     * @param bytes the bytes
     * @return 64 hex digits
     */
    public static String of(byte[] bytes) {
        return hex(sha256(bytes, 0, bytes.length));
    }

    /**
     * SHA-256 of a file's content, streaming, as lowercase hex.
     *
     * @param file the file
     * @return 64 hex digits
     * @throws IOException if it cannot be read
     */
    public static String of(Path file) throws IOException {
        return of(file, FILE_BUFFER);
    }

    /**
     * SHA-256 of a file's content whose size is about known, as lowercase hex: the read buffer is no larger than
     * the file, so that hashing a million small files does not allocate a MiB for each (which made a tree of tiny
     * files cost a garbage collection every few hundred files).
     *
     * @param file the file
     * @param expectedSize its size as last seen (a hint: a file that grew since is still hashed whole)
     * @return 64 hex digits
     * @throws IOException if it cannot be read
     */
    public static String of(Path file, long expectedSize) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[(int) Math.max(4096, Math.min(FILE_BUFFER, expectedSize + 1))];
        // FileInputStream reads straight into the array; Files.newInputStream copies through a temporary direct
        // buffer and costs several times the CPU per byte with large reads (measured: 0.30 s against 0.07 s for
        // 327 MB with 1 MiB reads).
        try (InputStream in = new FileInputStream(file.toFile())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return hex(md.digest());
    }

    /**
     * Starts, once per JVM, a background thread that gets SHA-256's block loop compiled with its CPU intrinsic
     * before the bulk of the hashing starts. HotSpot uses the intrinsic only once C2 has compiled
     * {@code DigestBase.implCompressMultiBlock0} (one call per update): with 128 KiB chunks that is tens of MB into
     * a store, hashed several times slower meanwhile. 8000 one-block updates take a few milliseconds, on the core
     * that is idle while the store starts single-threaded (lock, index, parent tree). Measured on an incremental
     * store of 1 GB: 0.1-0.2 CPU-seconds less.
     */
    public static void warmUpInBackground() {
        if (WARMED.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                MessageDigest md = newDigest();
                byte[] block = new byte[64];
                for (int i = 0; i < 8000; i++) {
                    md.update(block, 0, block.length);
                }
                md.digest();
            }, "sha256-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Lowercase hex.
     *
     * @param b bytes
     * @return hex text
     */
    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    /**
     * Parses hex.
     *
     * @param s hex text
     * @return bytes
     * @throws IllegalArgumentException if it is not hex
     */
    public static byte[] unhex(String s) {
        return HEX.parseHex(s);
    }

    /**
     * Eight bytes as a big-endian long (a word of a hash, for hash tables keyed by it).
     *
     * @param b bytes
     * @param off where the eight start
     * @return the word
     */
    public static long word(byte[] b, int off) {
        // Unrolled: this runs for every chunk of every index file while a command starts, mostly before the
        // JIT has compiled it, where a loop costs twice as much.
        return (b[off] & 0xffL) << 56 | (b[off + 1] & 0xffL) << 48 | (b[off + 2] & 0xffL) << 40
                | (b[off + 3] & 0xffL) << 32 | (b[off + 4] & 0xffL) << 24 | (b[off + 5] & 0xffL) << 16
                | (b[off + 6] & 0xffL) << 8 | (b[off + 7] & 0xffL);
    }

    /**
     * Writes a long as eight big-endian bytes (the inverse of {@link #word}).
     *
     * @param b bytes
     * @param off where the eight go
     * @param v the word
     */
    public static void putWord(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
