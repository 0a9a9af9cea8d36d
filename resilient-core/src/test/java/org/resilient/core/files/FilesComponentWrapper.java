package org.resilient.core.files;

import java.util.List;
import java.util.Set;
import org.resilient.api.Capability;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;

/**
 * A test component that is the files component with an importer of its own (killed, counted, held): capabilities,
 * settings and the exporter are the files component's.
 */
public abstract class FilesComponentWrapper implements ComponentProvider {
    /** The files component wrapped. */
    protected final FilesComponentProvider files = new FilesComponentProvider();

    @Override
    public Set<Capability> capabilities() {
        return files.capabilities();
    }

    @Override
    public List<SettingSpec> settings() {
        return files.settings();
    }

    @Override
    public Exporter exporter(Settings settings) {
        return files.exporter(settings);
    }
}
