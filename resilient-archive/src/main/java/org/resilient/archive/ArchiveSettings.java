package org.resilient.archive;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * The settings of the {@code dir} archive, read from the node's settings under the prefix {@code archive.}.
 * Each key is declared once below (default, rules, description); {@link #from} reads through the declarations.
 *
 * @param compressionLevel zstd level (negative: zstd's fast levels), or 0 for no compression
 * @param chunkMin minimum chunk size (used when the archive is created)
 * @param chunkAvg average chunk size (used when the archive is created)
 * @param chunkMax maximum chunk size (used when the archive is created)
 * @param packSize target size of a pack file
 * @param threads threads for hashing, compression and decompression
 * @param repackThreshold percent of dead bytes above which prune rewrites a pack
 * @param groupReadable whether what the archive creates is readable by the owner's group (0750/0640), not only by
 *                      the owner (0700/0600)
 * @param forceRead whether a store reads every file, instead of taking a file whose size, modification time, change
 *                  time and inode are unchanged from the previous generation (the files cache)
 */
public record ArchiveSettings(int compressionLevel, int chunkMin, int chunkAvg, int chunkMax, long packSize,
                              int threads, int repackThreshold, boolean groupReadable, boolean forceRead) {

    /** The zstd level of new chunks; 0 for none. */
    public static final Setting<Integer> COMPRESSION = Setting.of("archive.compression", SettingSpec.Type.STRING, "1",
            "zstd level 1-19 for new chunks, a fast level -1 to -7 (zstd --fast=N: quicker, larger), or 'none' (1, the"
                    + " default, compresses dumps in 128 KiB chunks as well as level 3 does 64 KiB ones)",
            ArchiveSettings::compressionLevel, "a zstd level 1-19, a fast level -1 to -7, or none");
    /** Minimum chunk size. */
    public static final Setting<Integer> CHUNK_MIN = Setting.integer("archive.chunk-min", 32768,
            "minimum chunk size in bytes (fixed when the archive is created)").range(64, 64 << 20);
    /** Average chunk size. */
    public static final Setting<Integer> CHUNK_AVG = Setting.integer("archive.chunk-avg", 131072,
            "average chunk size in bytes, a power of two (fixed when the archive is created)")
            .check(avg -> Integer.bitCount(avg) == 1, "a power of two")
            .checkWith((avg, all) -> avg > CHUNK_MIN.get(all), "more than archive.chunk-min");
    /** Maximum chunk size. */
    public static final Setting<Integer> CHUNK_MAX = Setting.integer("archive.chunk-max", 524288,
            "maximum chunk size in bytes (fixed when the archive is created)").range(64, 64 << 20)
            .checkWith((max, all) -> max > CHUNK_AVG.get(all), "more than archive.chunk-avg");
    /** Target pack size. */
    public static final Setting<Long> PACK_SIZE = Setting.longValue("archive.pack-size", 16L << 20,
            "target size of a pack file in bytes").range(1 << 16, 1L << 32);
    /** Worker threads; 0 for the number of cores. */
    public static final Setting<Integer> THREADS = Setting.integer("archive.threads", 0,
            "threads for hashing and compression; 0 for the number of cores").range(0, 256);
    /** Prune's repack threshold. */
    public static final Setting<Integer> REPACK_THRESHOLD = Setting.integer("archive.repack-threshold", 30,
            "prune rewrites a pack when more than this percent of it is unreferenced").range(0, 100);

    /** Whether the archive's directories and files are readable by the owner's group. */
    public static final Setting<Boolean> GROUP_READABLE = Setting.bool("archive.group-readable", false,
            "make what the archive creates readable by the owner's group: directories 0700 become 0750 "
                    + "and files 0600 become 0640; never readable by other users");

    /** Whether a store reads every file, ignoring the files cache. */
    public static final Setting<Boolean> FORCE_READ = Setting.bool("archive.force-read", false,
            "read every file on store; by default a file whose size, modification time, change time and inode are "
                    + "those of the previous generation is taken from it without being read, which misses a change "
                    + "that keeps all four (e.g. content rewritten and the times set back by a tool)");

    /** Declarations of every setting. */
    public static final List<SettingSpec> SPECS = Stream.of(COMPRESSION, CHUNK_MIN, CHUNK_AVG, CHUNK_MAX, PACK_SIZE,
            THREADS, REPACK_THRESHOLD, GROUP_READABLE, FORCE_READ).map(Setting::spec).toList();

    /**
     * Reads and checks the settings.
     *
     * @param s the node's settings
     * @return the archive settings
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} listing every bad value
     */
    public static ArchiveSettings from(Settings s) {
        SettingSpec.validate(s, SPECS, "archive settings");
        int threads = THREADS.get(s);
        return new ArchiveSettings(COMPRESSION.get(s), CHUNK_MIN.get(s), CHUNK_AVG.get(s), CHUNK_MAX.get(s),
                PACK_SIZE.get(s), threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
                REPACK_THRESHOLD.get(s), GROUP_READABLE.get(s), FORCE_READ.get(s));
    }

    private static int compressionLevel(String text) {
        String c = text.toLowerCase(Locale.ROOT);
        if (c.equals("none") || c.equals("off")) {
            return 0;
        }
        int level = Integer.parseInt(c.startsWith("zstd:") ? c.substring(5) : c);
        if (level < -7 || level == 0 || level > 19) {
            throw new IllegalArgumentException(text);
        }
        return level;
    }
}
