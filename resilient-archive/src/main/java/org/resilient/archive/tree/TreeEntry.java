package org.resilient.archive.tree;

/**
 * One entry of a generation's tree: a file with its chunk list, a directory or a symbolic link.
 *
 * @param path path relative to the stored directory, {@code /}-separated
 * @param type the entry type
 * @param mode POSIX mode bits (permissions, setuid/setgid/sticky)
 * @param mtimeSeconds modification time, seconds since the epoch
 * @param mtimeNanos nanoseconds of the modification time
 * @param size size of a file
 * @param linkTarget target of a link, null otherwise
 * @param hashes 32 bytes per chunk of a file, empty otherwise
 * @param lengths length of each chunk
 * @param digest SHA-256 of a whole file, checked when it was stored (from the caller's verified digests); empty
 *               when the store had none
 * @param checks the {@link org.resilient.archive.index.ChunkCheck} of each chunk, which a restore checks the
 *               content against; empty when the store did not record them (generation formats 1 and 2, or a file
 *               taken whole from such a generation), and a restore then recomputes each chunk's SHA-256
 * @param stat the file's inode and change time when it was stored, for the files cache (generation format 4); null
 *             when not recorded
 */
public record TreeEntry(String path, Type type, int mode, long mtimeSeconds, int mtimeNanos, long size,
                        String linkTarget, byte[] hashes, int[] lengths, byte[] digest, long[] checks, Stat stat) {

    /**
     * What the files cache compares besides the size and modification time: a file whose inode and change time are
     * also unchanged is taken as unchanged without being read (restic and borg do the same).
     *
     * @param inode the inode number
     * @param ctimeNanos the change time, nanoseconds since the epoch
     */
    public record Stat(long inode, long ctimeNanos) {
    }

    /**
     * An entry without a recorded inode and change time.
     *
     * @param path path relative to the stored directory, {@code /}-separated
     * @param type the entry type
     * @param mode POSIX mode bits
     * @param mtimeSeconds modification time, seconds since the epoch
     * @param mtimeNanos nanoseconds of the modification time
     * @param size size of a file
     * @param linkTarget target of a link, null otherwise
     * @param hashes 32 bytes per chunk of a file, empty otherwise
     * @param lengths length of each chunk
     * @param digest SHA-256 of the whole file, or empty
     * @param checks the chunk checksums, or empty
     */
    public TreeEntry(String path, Type type, int mode, long mtimeSeconds, int mtimeNanos, long size,
                     String linkTarget, byte[] hashes, int[] lengths, byte[] digest, long[] checks) {
        this(path, type, mode, mtimeSeconds, mtimeNanos, size, linkTarget, hashes, lengths, digest, checks, null);
    }

    /**
     * An entry without chunk checksums.
     *
     * @param path path relative to the stored directory, {@code /}-separated
     * @param type the entry type
     * @param mode POSIX mode bits
     * @param mtimeSeconds modification time, seconds since the epoch
     * @param mtimeNanos nanoseconds of the modification time
     * @param size size of a file
     * @param linkTarget target of a link, null otherwise
     * @param hashes 32 bytes per chunk of a file, empty otherwise
     * @param lengths length of each chunk
     * @param digest SHA-256 of the whole file, or empty
     */
    public TreeEntry(String path, Type type, int mode, long mtimeSeconds, int mtimeNanos, long size,
                     String linkTarget, byte[] hashes, int[] lengths, byte[] digest) {
        this(path, type, mode, mtimeSeconds, mtimeNanos, size, linkTarget, hashes, lengths, digest, new long[0]);
    }

    /**
     * An entry without a whole-file digest.
     *
     * @param path path relative to the stored directory, {@code /}-separated
     * @param type the entry type
     * @param mode POSIX mode bits
     * @param mtimeSeconds modification time, seconds since the epoch
     * @param mtimeNanos nanoseconds of the modification time
     * @param size size of a file
     * @param linkTarget target of a link, null otherwise
     * @param hashes 32 bytes per chunk of a file, empty otherwise
     * @param lengths length of each chunk
     */
    public TreeEntry(String path, Type type, int mode, long mtimeSeconds, int mtimeNanos, long size,
                     String linkTarget, byte[] hashes, int[] lengths) {
        this(path, type, mode, mtimeSeconds, mtimeNanos, size, linkTarget, hashes, lengths, new byte[0]);
    }

    /**
     * Whether the file's whole content was checked against a digest when stored.
     *
     * @return true with a 32-byte digest
     */
    public boolean hasDigest() {
        return digest.length == 32;
    }

    /**
     * Whether every chunk of the file has its checksum recorded (a file without chunks has none to record).
     *
     * @return true with one value per chunk
     */
    public boolean hasChecks() {
        return lengths.length > 0 && checks.length == lengths.length;
    }

    /** Entry types. */
    public enum Type {
        /** A regular file. */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A symbolic link. */
        SYMLINK
    }

    /**
     * The number of chunks of a file.
     *
     * @return the count
     */
    public int chunkCount() {
        return lengths.length;
    }

    /**
     * The hash of chunk {@code i}.
     *
     * @param i the chunk
     * @return a new 32-byte array
     */
    public byte[] hash(int i) {
        byte[] h = new byte[32];
        System.arraycopy(hashes, i * 32, h, 0, 32);
        return h;
    }
}
