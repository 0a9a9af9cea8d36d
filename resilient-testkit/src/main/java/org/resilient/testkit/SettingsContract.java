package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * How a transport, archive or coordinator treats its settings, the same way for every kind of provider: every bad
 * setting reported at once, and no secret (a setting declared {@code secret()}, or a password in the location's
 * URI) ever shown in an exception, a log line or printed output. A provider's test is:
 * <pre>
 * class MyTransportSettingsTest extends SettingsContract {
 *     protected String subject() { return "transport 'my'"; }
 *     protected List&lt;SettingSpec&gt; declaredSettings() { return new MyTransportProvider().settings(); }
 *     protected Settings validSettings() { return Settings.empty(); }
 *     protected void open(Settings s) { new MyTransportProvider().open(URI.create("my://host/node"), s).close(); }
 *     protected Optional&lt;Consumer&lt;String&gt;&gt; openWithPassword() {
 *         return Optional.of(pw -&gt; new MyTransportProvider().open(URI.create("my://kit:" + pw + "@host/x"),
 *                 Settings.empty()).close());
 *     }
 * }
 * </pre>
 * A test that has nothing to check (fewer than two settings the kit can make bad, no secret setting, no location)
 * is skipped, saying why on the console.
 */
@DisplayName("Settings contract")
@org.junit.jupiter.api.extension.ExtendWith(KnownIssue.Condition.class)
public abstract class SettingsContract {
    private String runningTest = "";

    /** @return what is under test, for messages, e.g. {@code transport 'https'} */
    protected abstract String subject();

    /** @return the settings the provider declares */
    protected abstract List<SettingSpec> declaredSettings();

    /** @return settings with which {@link #open} succeeds (the kit changes some of them) */
    protected abstract Settings validSettings();

    /**
     * Opens the provider with these settings and closes it again.
     *
     * @param settings the settings
     * @throws ResilienceException as the provider reports a problem
     */
    protected abstract void open(Settings settings);

    /**
     * How to open the provider at a location whose URI carries a password (e.g. {@code https://kit:PW@host/x}); the
     * kit checks the password is never shown, whether the open succeeds or fails. Empty (the default) for a provider
     * that takes no location.
     *
     * @return an action given the password
     */
    protected Optional<Consumer<String>> openWithPassword() {
        return Optional.empty();
    }

    @BeforeEach
    void rememberTest(TestInfo info) {
        runningTest = getClass().getSimpleName() + " > " + info.getDisplayName();
    }

    private void skipUnless(boolean condition, String reason) {
        if (!condition) {
            SkipNotice.skipping(runningTest, reason);
            assumeTrue(false, reason);
        }
    }

    /** Settings with bad values. */
    @Nested
    @DisplayName("Bad settings")
    class BadSettings {
        @Test
        @DisplayName("are all reported at once, with CONFIG_INVALID")
        void allReportedAtOnce() {
            Map<String, String> bad = new LinkedHashMap<>();
            for (SettingSpec s : declaredSettings()) {
                for (String v : List.of("%kit-invalid%", "-1", "0")) {
                    if (s.problem(v, Settings.empty()) != null) {
                        bad.put(s.key(), v);
                        break;
                    }
                }
            }
            skipUnless(bad.size() >= 2, subject() + " declares fewer than two settings the kit can give a bad value"
                    + " (a number, duration, boolean or a value from a fixed list): " + bad.keySet());
            Settings s = validSettings();
            for (Map.Entry<String, String> e : bad.entrySet()) {
                s = s.with(e.getKey(), e.getValue());
            }
            Settings badSettings = s;
            ResilienceException e = assertThrows(ResilienceException.class, () -> open(badSettings),
                    () -> subject() + " opened with bad settings " + bad);
            assertEquals(ErrorCode.CONFIG_INVALID, e.code(), () -> subject() + ": bad settings gave the wrong code: " + e);
            List<String> missing = bad.keySet().stream().filter(k -> !e.getMessage().contains(k)).toList();
            assertTrue(missing.isEmpty(), () -> subject() + " reported bad settings one at a time: its message does not"
                    + " name " + missing + " (report every problem at once, e.g. SettingSpec.validate): " + e.getMessage());
        }
    }

    /** Secrets: settings declared secret, and passwords in locations. */
    @Nested
    @DisplayName("A secret")
    class Secrets {
        @Test
        @DisplayName("setting never appears in a log line, printed output or an exception")
        void settingNeverShown() {
            List<SettingSpec> secrets = declaredSettings().stream().filter(SettingSpec::secret).toList();
            skipUnless(!secrets.isEmpty(), subject() + " declares no secret setting");
            Settings s = validSettings();
            Map<String, String> values = new LinkedHashMap<>();
            for (SettingSpec spec : secrets) {
                values.put(spec.key(), "kit-secret-" + UUID.randomUUID());
                s = s.with(spec.key(), values.get(spec.key()));
            }
            Settings withSecrets = s;
            neverShown(values, () -> open(withSecrets));
        }

        @Test
        @DisplayName("password in the location's URI never appears in a log line, printed output or an exception")
        void passwordInLocationNeverShown() {
            Optional<Consumer<String>> action = openWithPassword();
            skipUnless(action.isPresent(), subject() + " takes no location (openWithPassword is not implemented)");
            String password = "kit-secret-" + UUID.randomUUID();
            neverShown(Map.of("the password of the location's URI", password), () -> action.get().accept(password));
        }

        private void neverShown(Map<String, String> values, Runnable action) {
            List<String> shown = new ArrayList<>();
            try (LogCapture capture = new LogCapture()) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    shown.add(LogCapture.trace(e));
                }
                shown.add(capture.text());
            }
            for (Map.Entry<String, String> v : values.entrySet()) {
                for (String text : shown) {
                    assertFalse(text.contains(v.getValue()), () -> subject() + " showed the value of its secret "
                            + v.getKey() + ":\n" + text);
                }
            }
        }
    }
}
