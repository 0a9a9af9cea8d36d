package org.example.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * The settings of the {@code sqlite} component, declared once with {@link Setting}: the node checks them
 * against these declarations before the component runs ({@code resilient check}, {@code resilient settings}), and
 * the component reads them through the same declarations, so the default and the rules are written only here.
 *
 * @param database the database file: the live copy on an export node, the standby on an import node
 * @param busyTimeout how long to wait for another connection's lock before giving up
 * @param check which check an import runs on the restored copy before it replaces the standby
 */
record SqliteSettings(Path database, Duration busyTimeout, String check) {
    static final Setting<Path> DATABASE = Setting.path("sqlite.database", null,
            "the SQLite database file: the live copy on the export node, the standby on an import node").required();
    static final Setting<Duration> BUSY_TIMEOUT = Setting.duration("sqlite.busy-timeout", "5s",
            "how long to wait for a lock held by the database's own clients").positive();
    static final Setting<String> CHECK = Setting.string("sqlite.check", "integrity",
            "the check of a restored copy before it replaces the standby: integrity (PRAGMA integrity_check, "
                    + "reads every page) or quick (PRAGMA quick_check, faster, skips index content)")
            .oneOf("integrity", "quick");

    /**
     * The declarations, in the order {@code resilient settings} shows them.
     *
     * @return the specs
     */
    static List<SettingSpec> specs() {
        return List.of(DATABASE.spec(), BUSY_TIMEOUT.spec(), CHECK.spec());
    }

    /**
     * Reads the settings, reporting every bad one at once (not only the first).
     *
     * @param settings the node's settings
     * @return the values
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    static SqliteSettings read(Settings settings) {
        SettingSpec.validate(settings, specs(), "sqlite settings");
        return new SqliteSettings(DATABASE.require(settings).toAbsolutePath(), BUSY_TIMEOUT.get(settings), CHECK.get(settings));
    }

    /**
     * The PRAGMA an import runs on the restored copy.
     *
     * @return {@code integrity_check} or {@code quick_check}
     */
    String checkPragma() {
        return "quick".equals(check) ? "quick_check" : "integrity_check";
    }
}
