package org.resilient.postgres;

import java.util.EnumSet;
import org.resilient.api.Capability;
import org.resilient.api.spi.AbstractComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * The {@code postgres} component: PostgreSQL databases, exported with pg_dump and imported into a read-only
 * standby with pg_restore. Settings are prefixed {@code postgres.} (see {@link PostgresSettings}).
 */
public final class PostgresComponentProvider extends AbstractComponentProvider {
    /** The provider ServiceLoader makes. */
    public PostgresComponentProvider() {
        super("postgres", "PostgreSQL databases (pg_dump directory format, pg_restore into a read-only standby)",
                EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.READ_ONLY_STANDBY, Capability.ATOMIC_IMPORT),
                PostgresSettings.SPECS, s -> exporterFor(PostgresSettings.from(s)),
                s -> importerFor(PostgresSettings.from(s)));
    }

    private static Exporter exporterFor(PostgresSettings s) {
        return new PostgresExporter(s, PgTools.system(s.toolDirectory()));
    }

    private static Importer importerFor(PostgresSettings s) {
        return new PostgresImporter(s, PgTools.system(s.toolDirectory()));
    }
}
