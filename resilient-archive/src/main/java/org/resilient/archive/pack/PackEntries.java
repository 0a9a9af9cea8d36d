package org.resilient.archive.pack;

/**
 * The chunks listed in one pack's trailer (or in an index file for that pack), as parallel arrays.
 *
 * @param name the pack's name (file name without suffix)
 * @param packSize the pack file's full size in bytes
 * @param hashes 32 bytes per entry
 * @param offsets offset of each entry's stored bytes
 * @param storedLengths stored length of each entry
 * @param rawLengths raw length of each entry
 * @param flags flags of each entry
 */
public record PackEntries(String name, long packSize, byte[] hashes, long[] offsets, int[] storedLengths,
                          int[] rawLengths, byte[] flags) {

    /**
     * Decodes trailer entries as {@link PackWriter} writes them (hash, offset, stored length, raw length,
     * flags, big-endian). Bounds are not checked here; {@link PackReader} checks them against the pack.
     *
     * @param name the pack's name
     * @param packSize the pack's size in bytes
     * @param b the encoded entries, positioned at the first
     * @param count how many entries
     * @return the entries
     */
    public static PackEntries decode(String name, long packSize, java.nio.ByteBuffer b, int count) {
        byte[] hashes = new byte[count * 32];
        long[] offsets = new long[count];
        int[] stored = new int[count];
        int[] raw = new int[count];
        byte[] flags = new byte[count];
        for (int i = 0; i < count; i++) {
            b.get(hashes, i * 32, 32);
            offsets[i] = b.getLong();
            stored[i] = b.getInt();
            raw[i] = b.getInt();
            flags[i] = b.get();
        }
        return new PackEntries(name, packSize, hashes, offsets, stored, raw, flags);
    }

    /**
     * The number of entries.
     *
     * @return the count
     */
    public int count() {
        return offsets.length;
    }

    /**
     * The hash of entry {@code i}.
     *
     * @param i the entry
     * @return a new 32-byte array
     */
    public byte[] hash(int i) {
        byte[] h = new byte[32];
        System.arraycopy(hashes, i * 32, h, 0, 32);
        return h;
    }

    /**
     * Whether entry {@code i} is zstd-compressed.
     *
     * @param i the entry
     * @return true for zstd
     */
    public boolean compressed(int i) {
        return (flags[i] & PackFormat.FLAG_ZSTD) != 0;
    }
}
