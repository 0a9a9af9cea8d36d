package org.resilient.testkit.memory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.testkit.ArchiveContract;

class MemoryArchiveContractTest extends ArchiveContract {
    private final List<String> names = new ArrayList<>();

    @Override
    protected Archive openArchive(Path dir, boolean create) {
        try {
            URI uri = new URI(MemoryNetwork.SCHEME, dir.toString(), null);
            names.add(uri.getSchemeSpecificPart());
            return new MemoryArchiveProvider().open(uri, Settings.empty(), create);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void dropArchives() {
        names.forEach(MemoryArchiveProvider::drop);
    }
}
