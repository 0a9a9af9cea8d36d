package org.resilient.coordinator.embedded;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.testkit.SettingsContract;

/** The settings contract against the embedded coordinator. */
@DisplayName("Settings of the embedded coordinator")
class EmbeddedSettingsContractTest extends SettingsContract {
    @TempDir
    Path dir;

    @Override
    protected String subject() {
        return "coordinator 'embedded'";
    }

    @Override
    protected List<SettingSpec> declaredSettings() {
        return new EmbeddedCoordinatorProvider().settings();
    }

    @Override
    protected Settings validSettings() {
        return Settings.empty().with("embedded.dir", dir.toString()).with("node.name", "db0");
    }

    @Override
    protected void open(Settings settings) {
        new EmbeddedCoordinatorProvider().open(settings, Clock.systemUTC()).close();
    }
}
