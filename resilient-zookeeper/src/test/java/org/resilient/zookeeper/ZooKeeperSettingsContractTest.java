package org.resilient.zookeeper;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.testkit.SettingsContract;

/**
 * The settings contract against the zookeeper coordinator. Bad settings must be refused before any connection, so
 * no server runs here; the valid settings name one that does not exist.
 */
@DisplayName("Settings of the zookeeper coordinator")
class ZooKeeperSettingsContractTest extends SettingsContract {

    @Override
    protected String subject() {
        return "coordinator 'zookeeper'";
    }

    @Override
    protected List<SettingSpec> declaredSettings() {
        return new ZooKeeperCoordinatorProvider().settings();
    }

    @Override
    protected Settings validSettings() {
        return Settings.empty().with("zookeeper.connect", "127.0.0.1:1").with("node.name", "db0");
    }

    @Override
    protected void open(Settings settings) {
        new ZooKeeperCoordinatorProvider().open(settings, Clock.systemUTC()).close();
    }
}
