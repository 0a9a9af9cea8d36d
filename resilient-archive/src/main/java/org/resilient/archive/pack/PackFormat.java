package org.resilient.archive.pack;

import java.nio.charset.StandardCharsets;

/**
 * The layout of a pack file: a header, the stored chunks back to back, and a trailer listing them.
 *
 * <pre>
 * "RSPACK" version(1)
 * chunk bytes ...                       (zstd frames or raw bytes)
 * entry * n: sha256(32) offset(8) storedLength(4) rawLength(4) flags(1)
 * n(4) sha256-of-entries-and-n(32) "RSPT"
 * </pre>
 * The trailer makes every pack self-describing, so the index can always be rebuilt from the packs.
 */
public final class PackFormat {
    /** The pack format this build writes and reads. */
    public static final int VERSION = 1;
    /** Magic at the start. */
    public static final byte[] MAGIC = "RSPACK".getBytes(StandardCharsets.US_ASCII);
    /** Magic at the very end. */
    public static final byte[] END = "RSPT".getBytes(StandardCharsets.US_ASCII);
    /** Length of the header. */
    public static final int HEADER = MAGIC.length + 1;
    /** Length of one trailer entry. */
    public static final int ENTRY = 32 + 8 + 4 + 4 + 1;
    /** Length of the fixed tail: count, checksum, magic. */
    public static final int TAIL = 4 + 32 + 4;
    /** Flag: the stored bytes are a zstd frame. */
    public static final int FLAG_ZSTD = 1;
    /** File name suffix of packs. */
    public static final String SUFFIX = ".pack";

    private PackFormat() {
    }
}
