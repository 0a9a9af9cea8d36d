package org.resilient.core.fake;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.api.spi.ArchiveProvider;

/** A test archive, scheme {@code fake}, that records generations in memory by location. */
public class FakeArchive implements ArchiveProvider {
    /** Generations by archive location. */
    public static final Map<URI, List<Generation>> ARCHIVES = new ConcurrentHashMap<>();
    /** Run at the start of every store (may throw to make it fail); null for none. */
    public static volatile Runnable ON_STORE;

    @Override
    public String scheme() {
        return "fake";
    }

    @Override
    public String description() {
        return "test archive";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public Archive open(URI location, Settings settings, boolean create) {
        List<Generation> gens = ARCHIVES.computeIfAbsent(location, k -> new ArrayList<>());
        return new Archive() {
            @Override
            public Generation store(StoreRequest r, OperationContext context) {
                Runnable hook = ON_STORE;
                if (hook != null) {
                    hook.run();
                }
                Generation g = new Generation("g" + gens.size(), r.backupId(), r.time(), r.sourceNode(), r.epoch(),
                        r.manifestDigest(), 1, 1, 1, 1);
                gens.add(g);
                return g;
            }

            @Override
            public List<Generation> generations() {
                return List.copyOf(gens);
            }

            @Override
            public List<Damage> restore(String id, Path target, RestoreOptions options, OperationContext context) {
                throw new UnsupportedOperationException();
            }

            @Override
            public PruneResult prune(RetentionPolicy policy, OperationContext context) {
                return new PruneResult(List.of(), gens.stream().map(Generation::id).toList(), 0);
            }

            @Override
            public VerifyReport verify(VerifyLevel level, OperationContext context) {
                return new VerifyReport(level, gens.size(), 0, List.of());
            }

            @Override
            public ArchiveStats stats() {
                return new ArchiveStats(gens.size(), 0, 0, 0, 0);
            }

            @Override
            public void close() {
            }
        };
    }
}
