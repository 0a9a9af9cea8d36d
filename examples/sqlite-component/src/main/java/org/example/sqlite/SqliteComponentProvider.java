package org.example.sqlite;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.resilient.api.Capability;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * The {@code sqlite} component: one SQLite database file, named by {@code sqlite.database}. Exported consistently
 * with {@code VACUUM INTO} while its clients keep working; imported beside the standby, checked with
 * {@code PRAGMA integrity_check} and swapped in by an atomic rename; the standby is read-only for every SQLite client
 * until promoted, and a deposed leader's database is made read-only again by demotion.
 *
 * <p>Registered in {@code META-INF/services/org.resilient.api.spi.ComponentProvider}.
 */
public final class SqliteComponentProvider implements ComponentProvider {
    /** The component's name and settings prefix. */
    public static final String NAME = "sqlite";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a SQLite database file (VACUUM INTO, checked restore, atomic swap)";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.ATOMIC_IMPORT, Capability.READ_ONLY_STANDBY, Capability.PROMOTE, Capability.DEMOTE);
    }

    @Override
    public List<SettingSpec> settings() {
        return SqliteSettings.specs();
    }

    @Override
    public Exporter exporter(Settings settings) {
        return new SqliteExporter(SqliteSettings.read(settings));
    }

    @Override
    public Importer importer(Settings settings) {
        return new SqliteImporter(SqliteSettings.read(settings));
    }
}
