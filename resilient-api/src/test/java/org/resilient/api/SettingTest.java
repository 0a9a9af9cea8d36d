package org.resilient.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingTest {
    static final Setting<Integer> PORT = Setting.integer("db.port", 5432, "port").range(1, 65535);
    static final Setting<Integer> RETRIES = Setting.integer("db.retries", 3, "retries").range(0, Long.MAX_VALUE);
    static final Setting<Long> ROWS = Setting.longValue("db.rows", 10L, "rows").positive();
    static final Setting<Boolean> FLAG = Setting.bool("db.flag", false, "flag");
    static final Setting<Duration> POLL = Setting.duration("db.poll", "1s", "poll").positive();
    static final Setting<String> MODE = Setting.string("db.mode", "prefer", "mode").oneOf("prefer", "require");
    static final Setting<URI> PEER = Setting.uri("db.peer", null, "peer").check(u -> !u.isOpaque(), "a hierarchical URI");
    static final Setting<List<URI>> PEERS = Setting.uris("db.peers", "peers")
            .check(l -> l.stream().noneMatch(URI::isOpaque), "hierarchical URIs");
    static final Setting<String> PASSWORD = Setting.string("db.password", null, "password").secret()
            .check(p -> !p.contains("\n"), "no line break");
    static final Setting<Integer> MIN = Setting.integer("db.min", 1, "min");
    static final Setting<Integer> MAX = Setting.integer("db.max", 9, "max")
            .checkWith((max, all) -> max > MIN.get(all), "more than db.min");

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(PORT, "many", "expected an integer"),
                Arguments.of(PORT, "0", "expected 1-65535"),
                Arguments.of(PORT, "70000", "expected 1-65535"),
                Arguments.of(RETRIES, "-1", "expected 0 or more"),
                Arguments.of(ROWS, "0", "expected 1 or more"),
                Arguments.of(ROWS, "12345678901234567890", "expected an integer"),
                Arguments.of(FLAG, "maybe", "expected true or false"),
                Arguments.of(POLL, "banana", "expected a duration"),
                Arguments.of(POLL, "0s", "expected a duration greater than 0"),
                Arguments.of(MODE, "always", "expected one of prefer, require"),
                Arguments.of(PEER, "file:relative", "expected a hierarchical URI"),
                Arguments.of(PEER, "file:/a b", "expected a URI"),
                Arguments.of(PEERS, "file:/ok,file:relative", "expected hierarchical URIs"),
                Arguments.of(MAX, "1", "expected more than db.min"));
    }

    @ParameterizedTest(name = "{0} = ''{1}'' is refused: {2}")
    @MethodSource("badValues")
    @DisplayName("each class of bad value is refused, by the check and by the reader, with what is expected")
    void badValue(Setting<?> setting, String value, String expected) {
        Settings s = Settings.of(Map.of(setting.key(), value));
        String problem = setting.spec().problem(value, s);
        assertTrue(problem != null && problem.contains(expected) && problem.contains(setting.key()), problem);
        ResilienceException e = assertThrows(ResilienceException.class, () -> setting.get(s));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    @DisplayName("defaults are written once and read through the declaration; good values pass")
    void defaultsAndValues() {
        Settings empty = Settings.empty();
        assertEquals(5432, PORT.get(empty));
        assertEquals(Duration.ofSeconds(1), POLL.get(empty));
        assertEquals(List.of(), PEERS.get(empty));
        assertNull(PEER.get(empty));
        assertEquals("5432", PORT.spec().defaultValue());
        assertEquals("1-65535", PORT.spec().allowed());
        Settings s = Settings.of(Map.of("db.port", " 6543 ", "db.poll", "PT2S", "db.peers", "file:/a, /b",
                "db.flag", "yes", "db.max", "5"));
        assertEquals(6543, PORT.get(s));
        assertEquals(Duration.ofSeconds(2), POLL.get(s));
        assertEquals(List.of(URI.create("file:/a"), URI.create("file:/b")), PEERS.get(s));
        assertTrue(FLAG.get(s));
        assertNull(MAX.spec().problem("5", s));
    }

    @Test
    @DisplayName("a secret's value never appears in a problem")
    void secretNotEchoed() {
        Settings s = Settings.of(Map.of("db.password", "hunter2\nx"));
        String problem = PASSWORD.spec().problem("hunter2\nx", s);
        assertTrue(problem.contains("db.password") && !problem.contains("hunter2"), problem);
        ResilienceException e = assertThrows(ResilienceException.class, () -> PASSWORD.get(s));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(PASSWORD.spec().secret());
    }

    @Test
    @DisplayName("a rule on another key that is itself bad is skipped: that key's own problem is reported")
    void crossKeyRuleSkipsBadOther() {
        Settings s = Settings.of(Map.of("db.min", "x", "db.max", "5"));
        assertNull(MAX.spec().problem("5", s));
        assertTrue(MIN.spec().problem("x", s).contains("expected an integer"));
    }

    @Test
    @DisplayName("a missing required value names the key and its environment variable")
    void required() {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> Setting.path("files.source", null, "live").requiredToExport().require(Settings.empty()));
        assertTrue(e.getMessage().contains("files.source") && e.getMessage().contains("RESILIENT_FILES_SOURCE"),
                e.getMessage());
        assertEquals(SettingSpec.Need.TO_EXPORT,
                Setting.path("files.source", null, "live").requiredToExport().spec().need());
    }

    @Test
    @DisplayName("a default that breaks its own declaration fails when it is declared")
    void badDefault() {
        assertThrows(IllegalArgumentException.class, () -> Setting.integer("db.port", 0, "port").range(1, 65535));
        assertThrows(IllegalArgumentException.class, () -> Setting.duration("db.poll", "soon", "poll"));
        assertThrows(IllegalStateException.class, () -> Setting.string("db.mode", null, "m").range(1, 2));
    }
}
