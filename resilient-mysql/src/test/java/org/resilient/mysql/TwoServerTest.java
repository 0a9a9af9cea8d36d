package org.resilient.mysql;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.testservers.MariaDbServer;

/**
 * The real servers a test class of this module runs against: a source and a standby MariaDB server (shared by the
 * module's test classes, see {@link MariaDbServer#shared}), a work directory for the class, and the provider's
 * export, import and promotion as the tests drive them.
 */
abstract class TwoServerTest {
    @RegisterExtension
    static MariaDbServer source = MariaDbServer.shared("source");
    @RegisterExtension
    static MariaDbServer standby = MariaDbServer.shared("standby");
    @TempDir
    static Path work;
    static final MysqlComponentProvider PROVIDER = new MysqlComponentProvider();

    /**
     * Exports with the provider under test.
     *
     * @param name the fresh directory under the work directory to export into
     * @param settings the exporter's settings (server and databases)
     * @return the export's directory
     */
    static Path export(String name, Settings settings) throws IOException {
        Path dir = TestDb.freshDir(work, name);
        try (Exporter e = PROVIDER.exporter(settings)) {
            e.export(TestDb.exportContext(dir));
        }
        return dir;
    }

    /**
     * Imports an export into the standby server.
     *
     * @param dump the export's directory
     * @param dbs the databases to import, comma-separated
     */
    static void importInto(Path dump, String dbs) {
        try (Importer i = PROVIDER.importer(TestDb.settings(standby, dbs))) {
            i.importBackup(TestDb.importContext(dump));
        }
    }

    /**
     * Promotes the standby, as a restarted node does; like every import it first repairs an interrupted swap.
     *
     * @param dbs the importer's databases, comma-separated
     */
    static void promoteStandby(String dbs) {
        try (Importer i = PROVIDER.importer(TestDb.settings(standby, dbs))) {
            i.promote(RoleChangeContext.builder().directory(work).epoch(new Epoch(1)).build());
        }
    }
}
