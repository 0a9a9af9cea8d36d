package org.resilient.archive;

import java.util.List;
import java.util.Locale;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * The settings of the {@code dir} archive, read from the node's settings under the prefix {@code archive.}.
 *
 * @param compressionLevel zstd level (negative: zstd's fast levels), or 0 for no compression
 * @param chunkMin minimum chunk size (used when the archive is created)
 * @param chunkAvg average chunk size (used when the archive is created)
 * @param chunkMax maximum chunk size (used when the archive is created)
 * @param packSize target size of a pack file
 * @param threads threads for hashing, compression and decompression
 * @param repackThreshold percent of dead bytes above which prune rewrites a pack
 */
public record ArchiveSettings(int compressionLevel, int chunkMin, int chunkAvg, int chunkMax, long packSize,
                              int threads, int repackThreshold) {

    /** Declarations of every setting. */
    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.optional("archive.compression", SettingSpec.Type.STRING, "1",
                    "zstd level 1-19 for new chunks, a fast level -1 to -7 (zstd --fast=N: quicker, larger), or "
                            + "'none' (1, the default, compresses dumps in 128 KiB chunks as well as level 3 does "
                            + "64 KiB ones)"),
            SettingSpec.optional("archive.chunk-min", SettingSpec.Type.INT, "32768",
                    "minimum chunk size in bytes (fixed when the archive is created)"),
            SettingSpec.optional("archive.chunk-avg", SettingSpec.Type.INT, "131072",
                    "average chunk size in bytes, a power of two (fixed when the archive is created)"),
            SettingSpec.optional("archive.chunk-max", SettingSpec.Type.INT, "524288",
                    "maximum chunk size in bytes (fixed when the archive is created)"),
            SettingSpec.optional("archive.pack-size", SettingSpec.Type.LONG, "16777216",
                    "target size of a pack file in bytes"),
            SettingSpec.optional("archive.threads", SettingSpec.Type.INT, "0",
                    "threads for hashing and compression; 0 for the number of cores"),
            SettingSpec.optional("archive.repack-threshold", SettingSpec.Type.INT, "30",
                    "prune rewrites a pack when more than this percent of it is unreferenced"));

    /**
     * Reads and checks the settings.
     *
     * @param s the node's settings
     * @return the archive settings
     * @throws ResilienceException {@code CONFIG_INVALID} listing every bad value
     */
    public static ArchiveSettings from(Settings s) {
        StringBuilder problems = new StringBuilder();
        String c = s.string("archive.compression", "1").trim().toLowerCase(Locale.ROOT);
        int level = 1;
        if (c.equals("none") || c.equals("off")) {
            level = 0;
        } else {
            try {
                level = Integer.parseInt(c.startsWith("zstd:") ? c.substring(5) : c);
                if (level < -7 || level == 0 || level > 19) {
                    problems.append("; archive.compression must be 1-19, -1 to -7 or 'none', not ").append(c);
                }
            } catch (NumberFormatException e) {
                problems.append("; archive.compression must be a zstd level 1-19, a fast level -1 to -7 or 'none', not '")
                        .append(c).append('\'');
            }
        }
        int min = s.integer("archive.chunk-min", 32768);
        int avg = s.integer("archive.chunk-avg", 131072);
        int max = s.integer("archive.chunk-max", 524288);
        if (min < 64 || avg <= min || max <= avg || Integer.bitCount(avg) != 1 || max > (64 << 20)) {
            problems.append("; chunk sizes must satisfy 64 <= archive.chunk-min < archive.chunk-avg < "
                    + "archive.chunk-max <= 64 MiB with archive.chunk-avg a power of two");
        }
        long pack = s.longValue("archive.pack-size", 16L << 20);
        if (pack < (1 << 16) || pack > (1L << 32)) {
            problems.append("; archive.pack-size must be between 64 KiB and 4 GiB");
        }
        int threads = s.integer("archive.threads", 0);
        if (threads < 0 || threads > 256) {
            problems.append("; archive.threads must be 0-256");
        }
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        int repack = s.integer("archive.repack-threshold", 30);
        if (repack < 0 || repack > 100) {
            problems.append("; archive.repack-threshold must be 0-100");
        }
        if (problems.length() > 0) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "invalid archive settings: "
                    + problems.substring(2));
        }
        return new ArchiveSettings(level, min, avg, max, pack, threads, repack);
    }
}
