package org.resilient.archive.repo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The archive's {@code config} file: its format version and the chunker parameters fixed at creation
 * (changing them later would stop deduplication against older generations).
 *
 * @param format the format version
 * @param chunkMin minimum chunk size
 * @param chunkAvg average chunk size
 * @param chunkMax maximum chunk size
 * @param gearSeed seed of the chunker's gear table
 */
public record RepoConfig(int format, int chunkMin, int chunkAvg, int chunkMax, long gearSeed) {
    /** The archive format version this build writes and reads. */
    public static final int FORMAT = 1;

    /**
     * Reads and checks a config file.
     *
     * @param file the config file
     * @return the config
     * @throws ResilienceException {@code ARCHIVE_VERSION} for a newer format, {@code ARCHIVE_CORRUPT} if unreadable
     */
    public static RepoConfig read(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "cannot read the archive's config " + file
                    + ": " + e.getMessage() + "; restore it from a copy of the archive", e);
        }
        if (!"resilient-archive".equals(p.getProperty("type"))) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, file + " is not a resilient archive config");
        }
        try {
            int format = Integer.parseInt(p.getProperty("format", "").trim());
            if (format > FORMAT) {
                throw new ResilienceException(ErrorCode.ARCHIVE_VERSION, "the archive at " + file.getParent()
                        + " has format version " + format + ", newer than " + FORMAT
                        + " understood by this build; use a newer resilient");
            }
            return new RepoConfig(format, Integer.parseInt(p.getProperty("chunk.min").trim()),
                    Integer.parseInt(p.getProperty("chunk.avg").trim()),
                    Integer.parseInt(p.getProperty("chunk.max").trim()),
                    Long.parseLong(p.getProperty("chunk.seed").trim()));
        } catch (NullPointerException | NumberFormatException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "the archive's config " + file
                    + " is damaged (" + e + "); restore it from a copy of the archive", e);
        }
    }

    /**
     * The file's content.
     *
     * @return UTF-8 bytes
     */
    public byte[] toBytes() {
        StringBuilder s = new StringBuilder();
        s.append("type=resilient-archive\n");
        s.append("format=").append(format).append('\n');
        s.append("chunk.min=").append(chunkMin).append('\n');
        s.append("chunk.avg=").append(chunkAvg).append('\n');
        s.append("chunk.max=").append(chunkMax).append('\n');
        s.append("chunk.seed=").append(gearSeed).append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(s.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
