package org.resilient.core.files;

import java.nio.file.Path;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/** The settings of the {@code files} component. */
public final class FilesSettings {
    /** The live directory an export node backs up. */
    public static final String SOURCE = "files.source";
    /** The standby directory an import node keeps restored. */
    public static final String TARGET = "files.target";

    /** The declarations: each is needed only by the role that uses it, so neither is required globally. */
    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.optional(SOURCE, SettingSpec.Type.PATH, null,
                    "the live directory to back up (export nodes)"),
            SettingSpec.optional(TARGET, SettingSpec.Type.PATH, null,
                    "the standby directory kept restored (import nodes); its parent must be writable"));

    private FilesSettings() {
    }

    /**
     * A required path setting, made absolute.
     *
     * @param settings the node's settings
     * @param key {@link #SOURCE} or {@link #TARGET}
     * @return the absolute, normalized path
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} if it is missing or malformed
     */
    static Path path(Settings settings, String key) {
        settings.required(key);
        return settings.path(key, null).toAbsolutePath().normalize();
    }
}
