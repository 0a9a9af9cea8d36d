package org.example.sqlite;

import java.util.EnumSet;
import org.resilient.api.Capability;
import org.resilient.api.spi.AbstractComponentProvider;

/**
 * The {@code sqlite} component: one SQLite database file, named by {@code sqlite.database}. Exported consistently
 * with {@code VACUUM INTO} while its clients keep working; imported beside the standby, checked with
 * {@code PRAGMA integrity_check} and swapped in by an atomic rename; the standby is read-only for every SQLite client
 * until promoted, and a deposed leader's database is made read-only again by demotion.
 *
 * <p>Registered in {@code META-INF/services/org.resilient.api.spi.ComponentProvider}.
 */
public final class SqliteComponentProvider extends AbstractComponentProvider {
    /** The component's name and settings prefix. */
    public static final String NAME = "sqlite";

    /** The provider ServiceLoader makes. */
    public SqliteComponentProvider() {
        super(NAME, "a SQLite database file (VACUUM INTO, checked restore, atomic swap)",
                EnumSet.of(Capability.ATOMIC_IMPORT, Capability.READ_ONLY_STANDBY, Capability.PROMOTE, Capability.DEMOTE),
                SqliteSettings.specs(), s -> new SqliteExporter(SqliteSettings.read(s)),
                s -> new SqliteImporter(SqliteSettings.read(s)));
    }
}
