package org.resilient.postgres;

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
 * The {@code postgres} component: PostgreSQL databases, exported with pg_dump and imported into a read-only
 * standby with pg_restore. Settings are prefixed {@code postgres.} (see {@link PostgresSettings}).
 */
public final class PostgresComponentProvider implements ComponentProvider {
    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String description() {
        return "PostgreSQL databases (pg_dump directory format, pg_restore into a read-only standby)";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.READ_ONLY_STANDBY,
                Capability.ATOMIC_IMPORT);
    }

    @Override
    public List<SettingSpec> settings() {
        return PostgresSettings.SPECS;
    }

    @Override
    public Exporter exporter(Settings settings) {
        PostgresSettings s = PostgresSettings.from(settings);
        return new PostgresExporter(s, PgTools.system(s.toolDirectory()));
    }

    @Override
    public Importer importer(Settings settings) {
        PostgresSettings s = PostgresSettings.from(settings);
        return new PostgresImporter(s, PgTools.system(s.toolDirectory()));
    }
}
