package org.resilient.archive;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.api.spi.ArchiveProvider;

/**
 * The {@code dir} archive provider: a deduplicating, compressed, verifiable archive in a local directory.
 * Locations: {@code dir:/abs/path}, {@code file:/abs/path}, or a plain path.
 */
public final class DirArchiveProvider implements ArchiveProvider {

    @Override
    public String scheme() {
        return "dir";
    }

    @Override
    public String description() {
        return "deduplicating archive in a directory: content-defined chunks, SHA-256, zstd, packs, crash-safe";
    }

    @Override
    public List<SettingSpec> settings() {
        return ArchiveSettings.SPECS;
    }

    @Override
    public Archive open(URI location, Settings settings, boolean create) {
        return DirArchive.open(path(location), ArchiveSettings.from(settings), create);
    }

    /**
     * The directory a location names.
     *
     * @param location {@code dir:/path}, {@code file:/path} or a path
     * @return the absolute path
     * @throws ResilienceException {@code CONFIG_INVALID} for other forms
     */
    public static Path path(URI location) {
        String scheme = location.getScheme();
        if (scheme == null) {
            return Path.of(location.getPath()).toAbsolutePath();
        }
        if (scheme.equals("file")) {
            return Path.of(location);
        }
        if (scheme.equals("dir")) {
            String p = location.isOpaque() ? location.getSchemeSpecificPart() : location.getPath();
            if (p != null && !p.isEmpty()) {
                return Path.of(p).toAbsolutePath();
            }
        }
        throw new ResilienceException(ErrorCode.CONFIG_INVALID, "archive location '" + location
                + "' is not of the form dir:/absolute/path");
    }
}
