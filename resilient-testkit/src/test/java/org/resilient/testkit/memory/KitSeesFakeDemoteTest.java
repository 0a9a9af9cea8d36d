package org.resilient.testkit.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resilient.api.Capability;
import org.resilient.api.ImportContext;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.AbstractComponentProvider;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Importer;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

/** The kit fails a component that declares DEMOTE but whose demotion does not fence its copy. */
@DisplayName("The importer contract")
class KitSeesFakeDemoteTest {

    /** The memory component, declaring DEMOTE with a demotion that only logs. */
    static final class FakeDemoteProvider extends AbstractComponentProvider {
        private static final ComponentProvider MEMORY = new MemoryComponentProvider();

        FakeDemoteProvider() {
            super("fakedemote", "declares DEMOTE but leaves its copy writable (a mistake)",
                    EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.READ_ONLY_STANDBY), MEMORY.settings(),
                    MEMORY::exporter, FakeDemoteProvider::importerFor);
        }

        private static Importer importerFor(Settings settings) {
            Importer real = MEMORY.importer(settings);
            return new Importer() {
                @Override
                public void importBackup(ImportContext context) {
                    real.importBackup(context);
                }

                @Override
                public void promote(RoleChangeContext context) {
                    real.promote(context);
                }

                @Override
                public void demote(RoleChangeContext context) {
                    // says it fenced, did nothing
                }
            };
        }
    }

    /** The importer contract run against {@link FakeDemoteProvider}; run by the test below, not by the build. */
    @ExtendWith(KitSeesMistakesTest.OnlyWhenLaunched.class)
    static final class FakeDemoteKit extends ImporterContract {
        @Override
        protected ComponentFixture createFixture(Path tempDir) {
            return LaunchedKit.memoryFixture(new FakeDemoteProvider(), new MemoryComponentFixture(), Map.of());
        }
    }

    @Test
    @DisplayName("fails a component that declares DEMOTE but leaves its demoted copy writable")
    void seesFakeDemote() {
        List<String> failed = LaunchedKit.failures(FakeDemoteKit.class).entrySet().stream()
                .map(f -> f.getKey() + ": " + f.getValue()).toList();
        assertTrue(failed.stream().anyMatch(f -> f.startsWith("makes a promoted live copy refuse ordinary writes")
                        && f.contains("declares Capability.DEMOTE")),
                () -> "the kit did not catch the demotion that fences nothing; failures: " + failed);
        assertTrue(failed.stream().anyMatch(f -> f.startsWith("is idempotent")),
                () -> "the idempotence test did not fail either; failures: " + failed);
    }
}
