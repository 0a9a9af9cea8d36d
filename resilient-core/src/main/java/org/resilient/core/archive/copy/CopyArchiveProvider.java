package org.resilient.core.archive.copy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.api.spi.ArchiveProvider;

/** The {@code copy} archive: full copies per generation, at {@code copy:/abs/dir}. */
public final class CopyArchiveProvider implements ArchiveProvider {
    /** The URI scheme. */
    public static final String SCHEME = "copy";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "a full copy of every backup per generation, in a directory (copy:/srv/pbs/archive)";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public Archive open(URI location, Settings settings, boolean create) {
        return CopyArchive.open(path(location), create);
    }

    static Path path(URI location) {
        if (location == null || !SCHEME.equalsIgnoreCase(location.getScheme()) || location.getPath() == null
                || !location.getPath().startsWith("/") || location.getAuthority() != null) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "archive location '" + location
                    + "' is not a copy archive location; use copy:/absolute/directory");
        }
        return Path.of(location.getPath()).normalize();
    }
}
