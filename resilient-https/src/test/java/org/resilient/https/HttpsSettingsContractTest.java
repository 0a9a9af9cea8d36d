package org.resilient.https;

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

/** The settings contract against the https transport. */
@DisplayName("Settings of the https transport")
class HttpsSettingsContractTest extends SettingsContract {
    @TempDir
    Path dir;

    @Override
    protected String subject() {
        return "transport 'https'";
    }

    @Override
    protected List<SettingSpec> declaredSettings() {
        return new HttpsTransportProvider().settings();
    }

    @Override
    protected Settings validSettings() {
        return Settings.empty().with("node.dir", dir.toString()).with(HttpsSettings.INSECURE, "true");
    }

    @Override
    protected void open(Settings settings) {
        new HttpsTransportProvider().open(URI.create("https://localhost:8443"), settings).close();
    }

    @Override
    protected Optional<Consumer<String>> openWithPassword() {
        return Optional.of(pw -> new HttpsTransportProvider().open(URI.create("https://kit:" + pw + "@localhost:8443"),
                validSettings()).close());
    }
}
