package org.resilient.dist;

import java.util.List;
import java.util.Set;
import org.resilient.api.Capability;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/** A third-party component, packed into a plugin jar by {@link DistributionIT}. */
public final class ExtraComponentProvider implements ComponentProvider {
    @Override
    public String name() {
        return "extra";
    }

    @Override
    public String description() {
        return "a third-party component from the plugin directory";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(SettingSpec.optional("extra.path", SettingSpec.Type.PATH, null, "where the extra data lives"));
    }

    @Override
    public Exporter exporter(Settings settings) {
        throw new ResilienceException(ErrorCode.UNSUPPORTED, "the extra component only shows that plugins load");
    }

    @Override
    public Importer importer(Settings settings) {
        throw new ResilienceException(ErrorCode.UNSUPPORTED, "the extra component only shows that plugins load");
    }
}
