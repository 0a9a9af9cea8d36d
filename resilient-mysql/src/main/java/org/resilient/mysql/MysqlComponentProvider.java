package org.resilient.mysql;

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
 * The {@code mysql} component: MariaDB and MySQL databases, exported with mydumper and imported with
 * myloader into a read-only standby by an atomic swap. Settings use the prefix {@code mysql.}
 * (see {@link MysqlSettings}).
 */
public final class MysqlComponentProvider implements ComponentProvider {

    @Override
    public String name() {
        return MysqlSettings.PREFIX;
    }

    @Override
    public String description() {
        return "MariaDB/MySQL databases via mydumper/myloader, imported into a read-only standby by an atomic swap";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.READ_ONLY_STANDBY,
                Capability.ATOMIC_IMPORT);
    }

    @Override
    public List<SettingSpec> settings() {
        return MysqlSettings.SPECS;
    }

    @Override
    public Exporter exporter(Settings settings) {
        return new MysqlExporter(MysqlSettings.from(settings));
    }

    @Override
    public Importer importer(Settings settings) {
        return new MysqlImporter(MysqlSettings.from(settings));
    }
}
