package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;

class PostgresSettingsTest {
    @Test
    @DisplayName("the defaults come from the declarations")
    void defaults() {
        PostgresSettings s = PostgresSettings.from(Settings.empty());
        assertEquals("localhost:5432", s.where());
        assertEquals(2, s.jobs());
        assertEquals("prefer", s.sslmode());
        assertEquals(Duration.ofHours(12), s.timeout());
        assertEquals(List.of(), s.databases());
        assertEquals("5432", PostgresSettings.PORT.spec().defaultValue());
    }

    @Test
    @DisplayName("every bad value and unknown key is reported at once, the password never")
    void everyProblemAtOnce() {
        ResilienceException e = assertThrows(ResilienceException.class, () -> PostgresSettings.from(Settings.of(Map.of(
                "postgres.port", "0", "postgres.jobs", "100", "postgres.sslmode", "always", "postgres.timeout", "0s",
                "postgres.password", "hunter2\nx", "postgres.hots", "db", "postgres.globals", "maybe"))));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        String m = e.getMessage();
        for (String part : List.of("'postgres.port' = '0': expected 1-65535", "'postgres.jobs' = '100': expected 1-64",
                "'postgres.sslmode' = 'always': expected one of disable", "'postgres.timeout' = '0s'",
                "'postgres.password': expected no line break", "unknown key 'postgres.hots'",
                "'postgres.globals' = 'maybe': expected true or false")) {
            assertTrue(m.contains(part), part + " in " + m);
        }
        assertFalse(m.contains("hunter2"), m);
    }
}
