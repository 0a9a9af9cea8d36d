package org.resilient.testkit.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resilient.api.Capability;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;

/** The robustness contract fails components that buffer whole dumps, report settings one by one, or leak secrets. */
@DisplayName("The robustness contract")
class RobustnessKitSeesMistakesTest {

    /**
     * The memory component (whose import reads the whole dump into the heap, by design) with two settings the kit can
     * give bad values, checked one at a time, and a secret it puts into its error messages: three mistakes.
     */
    static final class CarelessProvider implements ComponentProvider {
        static final Setting<String> PASSWORD = Setting.string("memory.password", null, "a password").secret();
        static final Setting<Integer> PORT = Setting.integer("memory.port", 1, "a port").range(1, 65535);
        static final Setting<Boolean> FAST = Setting.bool("memory.fast", false, "go fast");
        private final ComponentProvider memory = new MemoryComponentProvider();

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public String description() {
            return "a careless component";
        }

        @Override
        public Set<Capability> capabilities() {
            return memory.capabilities();
        }

        @Override
        public List<SettingSpec> settings() {
            return List.of(memory.settings().get(0), PASSWORD.spec(), PORT.spec(), FAST.spec());
        }

        private void check(Settings s) {
            PORT.get(s); // throws for the first bad one only
            FAST.get(s);
            PASSWORD.find(s).ifPresent(p -> {
                throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "login with password " + p + " refused");
            });
        }

        @Override
        public Exporter exporter(Settings settings) {
            check(settings);
            return memory.exporter(settings);
        }

        @Override
        public Importer importer(Settings settings) {
            check(settings);
            return memory.importer(settings);
        }
    }

    /** The contract against {@link CarelessProvider}; run by the test below, not by the build. */
    @ExtendWith(KitSeesMistakesTest.OnlyWhenLaunched.class)
    static final class CarelessKit extends RobustnessContract {
        @Override
        protected long largeDataBytes() {
            return 16L << 20;
        }

        @Override
        protected ComponentFixture createFixture(Path tempDir) {
            MemoryComponentFixture memory = new MemoryComponentFixture();
            return LaunchedKit.memoryFixture(new CarelessProvider(), memory, Map.of("seedLarge", args -> {
                TreeMap<String, String> big = new TreeMap<>();
                for (int i = 0; i < (int) ((long) args[0] >> 16); i++) {
                    big.put(String.format("key-%06d", i), "v".repeat(1 << 16));
                }
                memory.liveStore().putAll(big);
                return true;
            }));
        }
    }

    @Test
    @DisplayName("fails a component that buffers a whole dump, reports one bad setting at a time, and shows its password")
    void seesMistakes() {
        Map<String, String> failed = LaunchedKit.failures(CarelessKit.class);
        assertTrue(failed.getOrDefault("is imported without being held in the heap", "").contains("holds the data in memory"),
                () -> "the kit did not see the import buffering the whole dump; failures: " + failed);
        assertTrue(failed.getOrDefault("are all reported at once, by the exporter and by the importer, with CONFIG_INVALID", "")
                .contains("one at a time"), () -> "the kit did not see settings reported one at a time; failures: " + failed);
        assertTrue(failed.getOrDefault("never appears in a log line, printed output or an exception, even when the operation"
                + " fails", "").contains("memory.password"), () -> "the kit did not see the password shown; failures: " + failed);
    }
}
