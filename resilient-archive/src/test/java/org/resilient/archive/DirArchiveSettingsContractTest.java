package org.resilient.archive;

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

/** The settings contract against the {@code dir} archive. */
@DisplayName("Settings of the dir archive")
class DirArchiveSettingsContractTest extends SettingsContract {
    @TempDir
    Path dir;

    @Override
    protected String subject() {
        return "archive 'dir'";
    }

    @Override
    protected List<SettingSpec> declaredSettings() {
        return new DirArchiveProvider().settings();
    }

    @Override
    protected Settings validSettings() {
        return Settings.empty();
    }

    @Override
    protected void open(Settings settings) {
        new DirArchiveProvider().open(URI.create("dir:" + dir.resolve("archive")), settings, true).close();
    }

    @Override
    protected Optional<Consumer<String>> openWithPassword() {
        return Optional.of(pw -> new DirArchiveProvider().open(URI.create("dir://kit:" + pw + "@localhost"
                + dir.resolve("secret-archive").toUri().getPath()), Settings.empty(), true).close());
    }
}
