package org.resilient.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Type;
import org.resilient.api.Settings;

class ConfigTest {
    static final List<SettingSpec> SPECS = List.of(
            SettingSpec.required("files.source", Type.PATH, "the live directory"),
            SettingSpec.optional("files.target", Type.PATH, null, "the standby directory"),
            SettingSpec.optional("export.retries", Type.INT, "3", "retries"),
            SettingSpec.optional("export.interval", Type.DURATION, "60m", "interval"),
            SettingSpec.optional("db.password", Type.INT, null, "a secret number").asSecret());

    @TempDir
    Path dir;

    @Test
    @DisplayName("environment variables override the file's keys")
    void environmentOverridesFile() throws Exception {
        Path f = Files.writeString(dir.resolve("node.properties"), "files.source=/from/file\nexport.retries=1\n");
        Settings s = ConfigLoader.load(f, Map.of("RESILIENT_FILES_SOURCE", "/from/env", "RESILIENT_EXPORT_INTERVAL", "5m",
                "RESILIENT_UNRELATED", "x"), SPECS);
        assertEquals("/from/env", s.get("files.source").orElseThrow());
        assertEquals("1", s.get("export.retries").orElseThrow());
        assertEquals(java.time.Duration.ofMinutes(5), org.resilient.api.Setting.duration("export.interval", "60m", "i").get(s));
        assertTrue(s.get("unrelated").isEmpty());
    }

    @Test
    @DisplayName("a missing config file says how to fix it")
    void missingFile() {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> ConfigLoader.load(dir.resolve("nope.properties"), Map.of(), SPECS));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
    }

    @Test
    @DisplayName("every problem is reported at once: missing, mistyped and malformed keys")
    void allProblemsAtOnce() {
        Settings s = Settings.of(Map.of("files.sorce", "/x", "export.retries", "three", "export.interval", "soon",
                "db.password", "hunter2", "foo.bar", "1"));
        ResilienceException e = assertThrows(ResilienceException.class, () -> ConfigValidator.validate(s, SPECS, "test.properties"));
        String m = e.getMessage();
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(m.startsWith("6 problems in test.properties"), m);
        Problems.assertNamesEvery(m,
                "missing required key 'files.source'",
                "unknown key 'files.sorce'; did you mean 'files.source'?",
                "'export.retries' = 'three': expected an integer",
                "'export.interval' = 'soon': expected a duration",
                "unknown key 'foo.bar'; this node reads no keys starting with 'foo.'",
                "key 'db.password': expected an integer");
        assertTrue(!m.contains("hunter2"), "secret value leaked: " + m);
    }

    @Test
    @DisplayName("valid settings pass")
    void validPasses() {
        ConfigValidator.validate(Settings.of(Map.of("files.source", "/x", "export.interval", "PT1H")), SPECS, "t");
    }
}
