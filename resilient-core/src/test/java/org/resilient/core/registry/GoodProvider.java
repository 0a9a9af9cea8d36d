package org.resilient.core.registry;

import java.net.URI;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;

/** A test transport provider named {@code test}. */
public class GoodProvider implements TransportProvider {
    @Override
    public String scheme() {
        return "test";
    }

    @Override
    public String description() {
        return "a test transport";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public Transport open(URI self, Settings settings) {
        throw new UnsupportedOperationException();
    }

    /** A second provider claiming the same name. */
    public static class Twin extends GoodProvider {
    }

    /** A provider whose constructor fails. */
    public static class Broken extends GoodProvider {
        /** Fails. */
        public Broken() {
            throw new IllegalStateException("broken on purpose");
        }
    }
}
