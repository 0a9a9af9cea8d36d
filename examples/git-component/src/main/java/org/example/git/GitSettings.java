package org.example.git;

import java.nio.file.Path;
import java.util.List;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * The settings of the {@code git} component, declared once: the node checks a configuration against these
 * declarations, and the component reads its values through them.
 *
 * @param repository the bare repository: the live copy on the export node, the standby on an import node
 * @param executable the git command
 * @param fsck whether an import runs {@code git fsck} on the restored copy before it replaces the standby
 */
record GitSettings(Path repository, String executable, boolean fsck) {
    static final Setting<Path> REPOSITORY = Setting.path("git.repository", null,
            "the bare git repository: the live copy on the export node; on an import node the standby, a symbolic link"
                    + " that each import points at a new copy in <repository>.resilient/").required();
    static final Setting<String> EXECUTABLE = Setting.string("git.executable", "git",
            "the git command (a name looked up on PATH, or a path)");
    static final Setting<Boolean> FSCK = Setting.bool("git.fsck", true,
            "run git fsck on a restored copy before it replaces the standby (reads every object)");

    /**
     * The declarations, in the order {@code resilient settings} shows them.
     *
     * @return the specs
     */
    static List<SettingSpec> specs() {
        return List.of(REPOSITORY.spec(), EXECUTABLE.spec(), FSCK.spec());
    }

    /**
     * Reads the settings, reporting every bad one at once.
     *
     * @param settings the node's settings
     * @return the values
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    static GitSettings read(Settings settings) {
        SettingSpec.validate(settings, specs(), "git settings");
        return new GitSettings(REPOSITORY.require(settings).toAbsolutePath(), EXECUTABLE.get(settings), FSCK.get(settings));
    }
}
