package org.resilient.testkit.memory;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.testkit.SettingsContract;

/** The settings contract against the in-memory transport and archive. */
@DisplayName("Settings of the in-memory providers")
class MemorySettingsContractTest {

    @Nested
    @DisplayName("mem transport")
    class Transport extends SettingsContract {
        @Override
        protected String subject() {
            return "transport 'mem'";
        }

        @Override
        protected List<SettingSpec> declaredSettings() {
            return new MemoryTransportProvider().settings();
        }

        @Override
        protected Settings validSettings() {
            return Settings.empty();
        }

        @Override
        protected void open(Settings settings) {
            new MemoryTransportProvider().open(MemoryNetwork.uri("settings-kit"), settings).close();
            MemoryNetwork.remove("settings-kit");
        }

        @Override
        protected Optional<Consumer<String>> openWithPassword() {
            return Optional.of(pw -> {
                try {
                    new MemoryTransportProvider().open(URI.create("mem://kit:" + pw + "@host/settings-kit"), Settings.empty())
                            .close();
                } finally {
                    MemoryNetwork.remove("settings-kit");
                }
            });
        }
    }

    @Nested
    @DisplayName("mem archive")
    class Archive extends SettingsContract {
        @Override
        protected String subject() {
            return "archive 'mem'";
        }

        @Override
        protected List<SettingSpec> declaredSettings() {
            return new MemoryArchiveProvider().settings();
        }

        @Override
        protected Settings validSettings() {
            return Settings.empty();
        }

        @Override
        protected void open(Settings settings) {
            new MemoryArchiveProvider().open(MemoryNetwork.uri("settings-kit-archive"), settings, true).close();
            MemoryArchiveProvider.drop("settings-kit-archive");
        }

        @Override
        protected Optional<Consumer<String>> openWithPassword() {
            return Optional.of(pw -> new MemoryArchiveProvider().open(URI.create("mem://kit:" + pw + "@host/kit-archive"),
                    Settings.empty(), true).close());
        }
    }
}
