package org.resilient.core.files;

import java.nio.file.Path;
import java.util.List;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/** The settings of the {@code files} component (prefix {@code files.}). */
public final class FilesSettings {
    /** The live directory an export node backs up. */
    public static final Setting<Path> SOURCE = Setting.path("files.source", null,
            "the live directory to back up (export nodes, and import nodes that may be promoted)").requiredToExport();
    /** The standby directory an import node keeps restored. */
    public static final Setting<Path> TARGET = Setting.path("files.target", null,
            "the standby directory kept restored (import nodes); its parent must be writable").requiredToImport();

    /** Glob patterns of entries of the source not to back up. */
    public static final Setting<List<String>> EXCLUDE = Setting.list("files.exclude",
            "comma-separated glob patterns of entries of files.source not to back up, relative to it (cache/**, *.tmp;"
            + " a pattern without / matches names at any depth)").check(FilesSettings::validGlobs, "valid glob patterns");
    /** Whether entries the node may not read are left out instead of failing the export. */
    public static final Setting<Boolean> SKIP_UNREADABLE = Setting.bool("files.skip-unreadable", false,
            "true to leave entries of files.source this user cannot read out of the backup with a warning;"
            + " false (default) to fail the export naming the entry");

    /** The declarations. */
    public static final List<SettingSpec> SPECS = List.of(SOURCE.spec(), TARGET.spec(), EXCLUDE.spec(),
            SKIP_UNREADABLE.spec());

    private FilesSettings() {
    }

    private static boolean validGlobs(List<String> globs) {
        try {
            globs.forEach(g -> java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A required path setting, made absolute.
     *
     * @param settings the node's settings
     * @param setting {@link #SOURCE} or {@link #TARGET}
     * @return the absolute, normalized path
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} if it is missing or malformed
     */
    static Path path(Settings settings, Setting<Path> setting) {
        return setting.require(settings).toAbsolutePath().normalize();
    }

    /**
     * An optional path setting, made absolute.
     *
     * @param settings the node's settings
     * @param setting {@link #SOURCE} or {@link #TARGET}
     * @return the absolute, normalized path, or null if unset
     */
    static Path optionalPath(Settings settings, Setting<Path> setting) {
        Path p = setting.get(settings);
        return p == null ? null : p.toAbsolutePath().normalize();
    }
}
