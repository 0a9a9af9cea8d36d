package org.resilient.mysql;

import java.util.List;
import java.util.Set;
import org.resilient.api.Capability;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * The {@code mysql} component of a node JVM that a test kills: the real one, whose importer stops at the swap's
 * point named by the system property {@code kill.point} ({@code kill.mode} {@code wait} or {@code race}, see
 * {@link KillableImport#stopAt}). Only {@link KillableNode} registers it (instead of the real provider).
 */
public final class KillableMysqlProvider implements ComponentProvider {
    private final ComponentProvider real = new MysqlComponentProvider();

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public String description() {
        return real.description() + " (stops at kill.point for a test)";
    }

    @Override
    public Set<Capability> capabilities() {
        return real.capabilities();
    }

    @Override
    public List<SettingSpec> settings() {
        return real.settings();
    }

    @Override
    public Exporter exporter(Settings settings) {
        return real.exporter(settings);
    }

    @Override
    public Importer importer(Settings settings) {
        return new MysqlImporter(MysqlSettings.from(settings), Long.MAX_VALUE,
                KillableImport.stopAt(System.getProperty("kill.point", ""), "race".equals(System.getProperty("kill.mode"))));
    }
}
