package org.resilient.testkit.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.resilient.api.Capability;
import org.resilient.api.ImportContext;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.AbstractComponentProvider;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Importer;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

/** The kit fails a component that declares more than it does: each contract test here must be able to fail. */
@DisplayName("The importer contract")
class KitSeesMistakesTest {

    /** The memory component, but its import writes the standby in place, entry by entry, reporting progress. */
    static final class InPlaceProvider extends AbstractComponentProvider {
        private static final ComponentProvider MEMORY = new MemoryComponentProvider();

        InPlaceProvider() {
            super("inplace", "imports in place while declaring ATOMIC_IMPORT (a mistake)",
                    EnumSet.of(Capability.ATOMIC_IMPORT), MEMORY.settings(), MEMORY::exporter, InPlaceProvider::importerFor);
        }

        private static Importer importerFor(Settings settings) {
            MemoryStore store = MemoryStore.named(settings.get(MemoryComponentProvider.STORE).orElseThrow());
            return new Importer() {
                @Override
                public void importBackup(ImportContext context) {
                    SortedMap<String, String> content = MemoryDump.read(context.directory(), context.progress(),
                            context.cancellation());
                    TreeMap<String, String> current = new TreeMap<>(store.snapshot());
                    current.keySet().retainAll(content.keySet());
                    int n = 0;
                    for (var e : content.entrySet()) {
                        current.put(e.getKey(), e.getValue());
                        store.importContent(current);
                        context.progress().progress("apply", ++n, content.size(), "entries");
                    }
                }

                @Override
                public void promote(RoleChangeContext context) {
                    store.promote(context.epoch());
                }
            };
        }
    }

    /**
     * Runs {@link InPlaceImporterKit} only inside {@link #seesInPlaceImport}: the build (which picks up nested classes
     * when run with {@code -Dtest=!...}) must not count its deliberate failures.
     */
    static final class OnlyWhenLaunched implements ExecutionCondition {
        static final String KEY = "resilient.kit-sees-mistakes";

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(KEY).isPresent()
                    ? ConditionEvaluationResult.enabled("launched by KitSeesMistakesTest")
                    : ConditionEvaluationResult.disabled("runs only inside KitSeesMistakesTest");
        }
    }

    /** The importer contract run against {@link InPlaceProvider}; run by the test below, not by the build. */
    @ExtendWith(OnlyWhenLaunched.class)
    static final class InPlaceImporterKit extends ImporterContract {
        @Override
        protected ComponentFixture createFixture(Path tempDir) {
            return LaunchedKit.memoryFixture(new InPlaceProvider(), new MemoryComponentFixture(), Map.of());
        }
    }

    @Test
    @DisplayName("fails a component that declares ATOMIC_IMPORT but writes the standby in place")
    void seesInPlaceImport() {
        List<String> failed = LaunchedKit.failures(InPlaceImporterKit.class).entrySet().stream()
                .map(f -> f.getKey() + ": " + f.getValue()).toList();
        assertTrue(failed.stream().anyMatch(f -> f.startsWith("is never seen half done")
                        && f.contains("declares Capability.ATOMIC_IMPORT")),
                () -> "the kit did not catch the in-place import; failures: " + failed);
    }
}
