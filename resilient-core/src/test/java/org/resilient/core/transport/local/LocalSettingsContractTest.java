package org.resilient.core.transport.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.testkit.SettingsContract;

/** The settings contract against the local ({@code file:}) transport. */
@DisplayName("Settings of the file transport")
class LocalSettingsContractTest extends SettingsContract {
    @TempDir
    Path dir;

    @Override
    protected String subject() {
        return "transport 'file'";
    }

    @Override
    protected List<SettingSpec> declaredSettings() {
        return new LocalTransportProvider().settings();
    }

    @Override
    protected Settings validSettings() {
        return Settings.empty();
    }

    @Override
    protected void open(Settings settings) {
        new LocalTransportProvider().open(dir.resolve("db0").toUri(), settings).close();
    }

    @Override
    protected Optional<Consumer<String>> openWithPassword() {
        return Optional.of(pw -> new LocalTransportProvider().open(URI.create("file://kit:" + pw + "@localhost"
                + dir.resolve("db0").toUri().getPath()), Settings.empty()).close());
    }
}
