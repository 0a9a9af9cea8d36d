package org.resilient.mysql;

import java.util.EnumSet;
import org.resilient.api.Capability;
import org.resilient.api.spi.AbstractComponentProvider;

/**
 * The {@code mysql} component: MariaDB and MySQL databases, exported with mydumper and imported with
 * myloader into a read-only standby by an atomic swap. Settings use the prefix {@code mysql.}
 * (see {@link MysqlSettings}).
 */
public final class MysqlComponentProvider extends AbstractComponentProvider {
    /** The provider ServiceLoader makes. */
    public MysqlComponentProvider() {
        super(MysqlSettings.PREFIX,
                "MariaDB/MySQL databases via mydumper/myloader, imported into a read-only standby by an atomic swap",
                EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.READ_ONLY_STANDBY, Capability.ATOMIC_IMPORT),
                MysqlSettings.SPECS, s -> new MysqlExporter(MysqlSettings.from(s)),
                s -> new MysqlImporter(MysqlSettings.from(s)));
    }
}
