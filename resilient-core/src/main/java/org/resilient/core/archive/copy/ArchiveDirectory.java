package org.resilient.core.archive.copy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of a copy archive, told by its {@code ARCHIVE} file (format and version): opened when it has
 * one of a version this build reads, created when it is missing or empty, refused otherwise.
 */
final class ArchiveDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveDirectory.class);
    private static final String FORMAT = "resilient-copy-archive";
    private static final int VERSION = 1;
    private static final String ARCHIVE_FILE = "ARCHIVE";

    private ArchiveDirectory() {
    }

    /**
     * Checks (or creates) the archive in a directory.
     *
     * @param dir the directory, absolute and normalized
     * @param create whether to create it when missing or empty
     * @throws ResilienceException {@code NOT_FOUND}, {@code IO_ERROR} (a file, or a directory that is not a copy
     *     archive), {@code ARCHIVE_CORRUPT}, {@code ARCHIVE_VERSION}
     */
    static void openOrCreate(Path dir, boolean create) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "archive location " + dir
                    + " is a file, not a directory; point the archive at a directory");
        }
        Path marker = dir.resolve(ARCHIVE_FILE);
        if (Files.isRegularFile(marker)) {
            check(marker);
        } else if (!Files.isDirectory(dir) || isEmpty(dir)) {
            if (!create) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "no copy archive at " + dir
                        + "; check the location, or create it (a pull-backup node creates it on first store)");
            }
            try {
                Files.createDirectories(dir.resolve(Generations.DIRECTORY));
                AtomicFiles.write(marker, ("format=" + FORMAT + "\nversion=" + VERSION + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw AtomicFiles.ioError("create the archive", dir, e);
            }
            LOG.info("created copy archive {}", dir);
        } else {
            throw new ResilienceException(ErrorCode.IO_ERROR, dir + " is not a copy archive (no " + ARCHIVE_FILE
                    + " file) and is not empty; refusing to use it. Point the archive at an empty or new directory");
        }
    }

    private static void check(Path marker) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(marker)));
        } catch (IOException | IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, marker + " is unreadable: " + e.getMessage());
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new ResilienceException(ErrorCode.IO_ERROR, marker.getParent() + " is not a copy archive (format '"
                    + p.getProperty("format") + "'); open it with the provider of that format");
        }
        int v;
        try {
            v = Integer.parseInt(p.getProperty("version", "").trim());
        } catch (NumberFormatException e) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, marker + " has no valid version");
        }
        if (v > VERSION) {
            throw new ResilienceException(ErrorCode.ARCHIVE_VERSION, "archive " + marker.getParent()
                    + " has format version " + v + " but this build reads up to " + VERSION
                    + "; use a newer resilient");
        }
    }

    /**
     * Whether a directory has no entries.
     *
     * @param dir the directory
     * @return true if empty
     */
    static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", dir, e);
        }
    }
}
