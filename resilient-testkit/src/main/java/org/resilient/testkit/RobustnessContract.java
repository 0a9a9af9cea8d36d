package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;

/**
 * What a component must do under load and misuse, beyond exporting and importing: stop soon after it is
 * cancelled, stream large data instead of holding it in the heap, report every bad setting at once, and never
 * show a secret. A component's test is:
 * <pre>
 * class MyRobustnessTest extends RobustnessContract {
 *     protected ComponentFixture createFixture(Path tempDir) { return new MyFixture(tempDir); }
 * }
 * </pre>
 * The large-data tests need {@link ComponentFixture#seedLarge(long)}; the secrets test needs a setting declared
 * {@code secret()}; each is skipped, saying why, without.
 */
@DisplayName("Robustness contract")
public abstract class RobustnessContract extends ComponentContractSupport {

    /**
     * How much data the large-data tests use: 64 MiB by default. Override to go bigger.
     *
     * @return bytes
     */
    protected long largeDataBytes() {
        return 64L << 20;
    }

    /**
     * How soon after its cancellation an export or import must end: 5 s by default.
     *
     * @return the bound
     */
    protected Duration cancellationBound() {
        return Duration.ofSeconds(5);
    }

    private String runningTest = "";

    @org.junit.jupiter.api.BeforeEach
    void rememberTest(org.junit.jupiter.api.TestInfo info) {
        runningTest = getClass().getSimpleName() + " > " + info.getDisplayName();
    }

    /** Skips the running test unless a condition holds, saying why in the report and on the console. */
    private void skipUnless(boolean condition, java.util.function.Supplier<String> reason) {
        if (!condition) {
            SkipNotice.skipping(runningTest, reason.get());
            assumeTrue(false, reason);
        }
    }

    private void seedLargeOrNormal() {
        if (!fixture.seedLarge(largeDataBytes())) {
            fixture.seed();
        }
    }

    private void seedLargeOrSkip() {
        skipUnless(fixture.seedLarge(largeDataBytes()), () -> "the fixture of component '" + provider().name()
                + "' cannot make large data: implement ComponentFixture.seedLarge(long)");
    }

    /** Cancellation in the middle of an operation. */
    @Nested
    @DisplayName("A cancellation")
    class Cancelling {
        @Test
        @DisplayName("during an export ends it within the bound, with CANCELLED or a whole export")
        void exportEndsSoon() {
            seedLargeOrNormal();
            Cancellation cancellation = Cancellation.create();
            AtomicLong cancelledAt = new AtomicLong();
            ProgressListener cancelOnFirst = p -> {
                if (cancelledAt.compareAndSet(0, System.nanoTime())) {
                    cancellation.cancel();
                }
            };
            endsSoon(() -> {
                try (Exporter e = provider().exporter(fixture.exportSettings())) {
                    exportWith(e, cancellation, cancelOnFirst);
                }
            }, cancelledAt, "export");
        }

        @Test
        @DisplayName("during an import ends it within the bound, with CANCELLED or a whole import")
        void importEndsSoon() {
            seedLargeOrNormal();
            BackupDir backup = exportBackup();
            Cancellation cancellation = Cancellation.create();
            AtomicLong cancelledAt = new AtomicLong();
            endsSoon(() -> importBackup(backup, cancellation, p -> {
                if (cancelledAt.compareAndSet(0, System.nanoTime())) {
                    cancellation.cancel();
                }
            }), cancelledAt, "import");
        }

        private void endsSoon(Runnable operation, AtomicLong cancelledAt, String what) {
            try {
                operation.run();
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "a cancelled " + what + " failed with the wrong code: " + e);
            }
            long end = System.nanoTime();
            skipUnless(cancelledAt.get() != 0, () -> "component '" + provider().name() + "' reported no progress during"
                    + " its " + what + ", so the kit could not cancel it midway; report progress as work goes on");
            Duration took = Duration.ofNanos(end - cancelledAt.get());
            assertTrue(took.compareTo(cancellationBound()) <= 0, () -> "component '" + provider().name() + "': the " + what
                    + " went on for " + took.toMillis() + " ms after it was cancelled (bound: " + cancellationBound().toMillis()
                    + " ms); check Cancellation between steps and stop long native or external work");
        }
    }

    /** Data much larger than any buffer. */
    @Nested
    @DisplayName("Large data")
    class LargeData {
        @Test
        @DisplayName("is exported without being held in the heap")
        void exportStreams() {
            seedLargeOrSkip();
            bounded("export", () -> runExport(nextId(), Cancellation.never()));
        }

        @Test
        @DisplayName("is imported without being held in the heap")
        void importStreams() {
            seedLargeOrSkip();
            BackupDir backup = exportBackup();
            bounded("import", () -> importBackup(backup));
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
        }

        private void bounded(String what, Runnable action) {
            org.resilient.testkit.LargeData.assertStreams("component '" + provider().name() + "': the " + what, largeDataBytes(), action,
                    reason -> skipUnless(false, () -> reason));
        }
    }

    /** Settings with bad values. */
    @Nested
    @DisplayName("Bad settings")
    class BadSettings {
        @Test
        @DisplayName("are all reported at once, by the exporter and by the importer, with CONFIG_INVALID")
        void allReportedAtOnce() {
            Map<String, String> bad = badValues();
            skipUnless(bad.size() >= 2, () -> "component '" + provider().name() + "' declares fewer than two settings the"
                    + " kit can give a bad value (a number, duration, boolean or a value from a fixed list)");
            reportsAll("exporter", bad, () -> {
                Settings s = with(fixture.exportSettings(), bad);
                try (Exporter e = provider().exporter(s)) {
                    runExportWith(e);
                }
            });
            reportsAll("importer", bad, () -> {
                try (Importer i = provider().importer(with(fixture.importSettings(), bad))) {
                    fail("component '" + provider().name() + "' made an importer from bad settings " + bad);
                }
            });
        }

        private void runExportWith(Exporter e) {
            fixture.seed();
            exportWith(e, Cancellation.never(), ProgressListener.NONE);
            fail("component '" + provider().name() + "' exported with bad settings");
        }

        private void reportsAll(String what, Map<String, String> bad, Runnable action) {
            ResilienceException e = org.junit.jupiter.api.Assertions.assertThrows(ResilienceException.class, action::run,
                    () -> "the " + what + " of component '" + provider().name() + "' accepted bad settings " + bad);
            assertEquals(ErrorCode.CONFIG_INVALID, e.code(), () -> "bad settings gave the wrong code: " + e);
            List<String> missing = bad.keySet().stream().filter(k -> !e.getMessage().contains(k)).toList();
            assertTrue(missing.isEmpty(), () -> "the " + what + " of component '" + provider().name() + "' reported bad"
                    + " settings one at a time: its message does not name " + missing + " (report every problem at once,"
                    + " e.g. SettingSpec.validate): " + e.getMessage());
        }

        private Map<String, String> badValues() {
            Map<String, String> bad = new LinkedHashMap<>();
            for (SettingSpec s : provider().settings()) {
                for (String v : List.of("%kit-invalid%", "-1", "0")) {
                    if (s.problem(v, Settings.empty()) != null) {
                        bad.put(s.key(), v);
                        break;
                    }
                }
            }
            return bad;
        }
    }

    /** Settings declared secret. */
    @Nested
    @DisplayName("A secret setting")
    class Secrets {
        @Test
        @DisplayName("never appears in a log line, printed output or an exception, even when the operation fails")
        void neverShown() {
            List<SettingSpec> secrets = provider().settings().stream().filter(SettingSpec::secret).toList();
            skipUnless(!secrets.isEmpty(), () -> "component '" + provider().name() + "' declares no secret setting");
            Map<String, String> values = new LinkedHashMap<>();
            secrets.forEach(s -> values.put(s.key(), "kit-secret-" + UUID.randomUUID()));
            fixture.seed();
            List<String> shown = new ArrayList<>();
            try (LogCapture capture = new LogCapture()) {
                attempt(shown, () -> runExportWith(with(fixture.exportSettings(), values)));
                attempt(shown, () -> {
                    try (Importer i = provider().importer(with(fixture.importSettings(), values))) {
                        i.importBackup(importContext(TestBackups.emptyBackup(kitDir.resolve("empty"), nextId()),
                                Cancellation.never(), ProgressListener.NONE));
                    }
                });
                shown.add(capture.text());
            }
            for (Map.Entry<String, String> v : values.entrySet()) {
                for (String text : shown) {
                    assertFalse(text.contains(v.getValue()), () -> "component '" + provider().name() + "' showed the value"
                            + " of its secret setting " + v.getKey() + ":\n" + text);
                }
            }
        }

        private void runExportWith(Settings settings) {
            try (Exporter e = provider().exporter(settings)) {
                exportWith(e, Cancellation.never(), ProgressListener.NONE);
            }
        }

        private void attempt(List<String> shown, Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                shown.add(LogCapture.trace(e));
            }
        }
    }

    /** Runs an exporter the kit made itself into a new, empty {@code incoming/<id>/data}. */
    private void exportWith(Exporter e, Cancellation cancellation, ProgressListener progress) {
        BackupId id = nextId();
        java.nio.file.Path data = org.resilient.api.NodeLayout.data(staging(id));
        try {
            java.nio.file.Files.createDirectories(data);
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        e.export(ExportContext.builder().directory(data).backupId(id).epoch(Epoch.INITIAL).cancellation(cancellation)
                .progress(progress).loggerName("org.resilient.testkit.export").build());
    }

    private static Settings with(Settings base, Map<String, String> values) {
        Settings s = base;
        for (Map.Entry<String, String> e : values.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }
}
