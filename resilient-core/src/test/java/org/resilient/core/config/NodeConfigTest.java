package org.resilient.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;

/** The one configuration check of a node, as an embedder's {@code build()} and the CLI's config file meet it. */
class NodeConfigTest {
    @TempDir
    Path dir;

    private Resilient.Builder exportNode() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        return Resilient.node("db0", NodeRole.EXPORT).component("files").directory(dir.resolve("db0"))
                .set("files.source", live.toString()).environment(Map.of());
    }

    private static ResilienceException refused(Resilient.Builder b) {
        ResilienceException e = assertThrows(ResilienceException.class, () -> b.build().close());
        assertEquals(ErrorCode.CONFIG_INVALID, e.code(), e.getMessage());
        return e;
    }

    @Test
    @DisplayName("a config with many problems reports every one of them at build, none hiding another")
    void everyProblemAtOnce() throws Exception {
        String m = refused(Resilient.node("db0", NodeRole.EXPORT).component("files").directory(dir.resolve("db0"))
                .environment(Map.of())
                .set("export.notify", "file:relative").set("export.interval", "banana").set("export.retries", "-1")
                .set("node.poll-interval", "0s").set("files.sorce", "/x").set("pbs.keep-last", "0")).getMessage();
        assertTrue(m.startsWith("7 problems in the settings of node db0"), m);
        Problems.assertNamesEvery(m,
                "key 'export.notify' = 'file:relative': expected file: URIs with an absolute path",
                "key 'export.interval' = 'banana': expected a duration",
                "key 'export.retries' = '-1': expected 0-100",
                "key 'node.poll-interval' = '0s': expected a duration greater than 0",
                "key 'pbs.keep-last' = '0': expected 1 or more",
                "missing required key 'files.source'",
                "needed to export",
                "unknown key 'files.sorce'; did you mean 'files.source'?");
    }

    static Stream<Arguments> badNodeValues() {
        return Stream.of(
                Arguments.of("node.role", "leader", "expected one of export, pull-backup, import"),
                Arguments.of("node.name", "db 0", "expected letters, digits"),
                Arguments.of("node.uri", "file:db0", "expected file: URIs with an absolute path"),
                Arguments.of("node.uri", "file:/a b", "expected a URI"),
                Arguments.of("pbs.source", "file:db0", "expected file: URIs with an absolute path"),
                Arguments.of("pbs.targets", "file:/db1,file:db2", "expected file: URIs with an absolute path"),
                Arguments.of("export.keep", "0", "expected 1 or more"),
                Arguments.of("export.retries", "three", "expected an integer"),
                Arguments.of("export.interval", "-5m", "expected a duration"),
                Arguments.of("export.interval", "PT0S", "expected a duration greater than 0"),
                Arguments.of("pbs.keep-within", "P-1D", "expected 0 or more"),
                Arguments.of("pbs.keep-daily", "-1", "expected 0 or more"),
                Arguments.of("import.keep", "x", "expected an integer"));
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("badNodeValues")
    @DisplayName("each class of bad node value is refused at build, naming key, value and what is expected")
    void badNodeValue(String key, String value, String expected) throws Exception {
        String m = refused(exportNode().set(key, value)).getMessage();
        assertTrue(m.contains("key '" + key + "' = '" + value + "': " + expected), m);
    }

    @Test
    @DisplayName("the component's keys for the node's role are checked at build: an import node needs files.target")
    void roleNeeds() throws Exception {
        String m = refused(Resilient.node("db1", NodeRole.IMPORT).component("files").directory(dir.resolve("db1"))
                .environment(Map.of())).getMessage();
        assertTrue(m.contains("missing required key 'files.target'") && m.contains("needed to import"), m);
        assertFalse(m.contains("files.source"), "an import node does not need files.source: " + m);
    }

    @Test
    @DisplayName("an embedded node applies the same RESILIENT_* overrides as the command")
    void environmentOverridesEmbedded() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        try (ResilientNode n = Resilient.node("db0", NodeRole.EXPORT).component("files").directory(dir.resolve("db0"))
                .set("export.retries", "lots")
                .environment(Map.of("RESILIENT_FILES_SOURCE", live.toString(), "RESILIENT_EXPORT_RETRIES", "1"))
                .build()) {
            assertEquals(live.toString(), n.settings().get("files.source").orElseThrow());
            assertEquals("1", n.settings().get("export.retries").orElseThrow());
        }
    }

    @Test
    @DisplayName("a pull-backup node's archive settings are checked at build too")
    void archiveSettingsChecked() {
        String m = refused(Resilient.node("pbs1", NodeRole.PULL_BACKUP).directory(dir.resolve("pbs1"))
                .environment(Map.of()).archive(java.net.URI.create("copy:/" + dir.resolve("a")))
                .set("archive.compression", "9")).getMessage();
        assertTrue(m.contains("unknown key 'archive.compression'"), m);
    }

    private Resilient.Builder oracle() {
        return Resilient.node("db0", NodeRole.EXPORT).component("oracle").directory(dir.resolve("db0"))
                .set("oracle.sid", "x").environment(Map.of());
    }

    @Test
    @DisplayName("an unknown component is the one error when nothing else is wrong, and one of them otherwise")
    void unknownComponent() throws Exception {
        ResilienceException alone = assertThrows(ResilienceException.class, () -> oracle().build());
        assertEquals(ErrorCode.UNKNOWN_PROVIDER, alone.code());
        assertTrue(alone.getMessage().contains("no component named 'oracle'"), alone.getMessage());
        String m = refused(oracle().set("export.keep", "-1")).getMessage();
        assertTrue(m.contains("no component named 'oracle'") && m.contains("export.keep"), m);
        assertFalse(m.contains("oracle.sid"), "the keys of an unknown component cannot be judged: " + m);
    }
}
