package org.resilient.testkit.memory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.resilient.api.Generation;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.testkit.ArchiveContract;
import org.resilient.testkit.ArchiveFeature;

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

    /** An in-memory archive only uses its directory as a name; it can be damaged. */
    @Override
    protected java.util.Set<ArchiveFeature> features() {
        return java.util.EnumSet.of(ArchiveFeature.DAMAGE);
    }

    /** Flips a byte of the stored content of the generation's largest file (shared with other generations). */
    @Override
    protected boolean damage(Path dir, Generation generation) {
        MemoryArchiveState state;
        try {
            state = MemoryArchiveProvider.state(new URI(MemoryNetwork.SCHEME, dir.toString(), null).getSchemeSpecificPart());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        ByteTree.Node largest = state.get(generation.id()).tree().nodes().stream().filter(n -> n.content() != null)
                .max(java.util.Comparator.comparingLong(ByteTree.Node::size)).orElseThrow();
        largest.content()[largest.content().length / 2] ^= 0x5a;
        return true;
    }

    @AfterEach
    void dropArchives() {
        names.forEach(MemoryArchiveProvider::drop);
    }
}
