package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;

class MysqlSettingsTest {

    @Test
    void defaults() {
        MysqlSettings s = MysqlSettings.from(Settings.of(Map.of("mysql.databases", "a, b")));
        assertEquals("127.0.0.1", s.host());
        assertEquals(3306, s.port());
        assertEquals("root", s.user());
        assertEquals(List.of("a", "b"), s.databases());
        assertEquals(4, s.threads());
        assertTrue(s.socket().isEmpty());
        assertEquals("root@127.0.0.1:3306", s.where());
    }

    @Test
    void everyProblemIsReportedAtOnceWithoutThePassword() {
        var e = assertThrows(ResilienceException.class, () -> MysqlSettings.from(Settings.of(Map.of(
                "mysql.port", "abc", "mysql.threads", "x", "mysql.databases", "ok,bad-name,mysql,a__rtmp",
                "mysql.pasword", "typo", "mysql.password", "hunter2"))));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        for (String part : List.of("mysql.port", "mysql.threads", "mysql.pasword")) {
            assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("hunter2"));
        var n = assertThrows(ResilienceException.class, () -> MysqlSettings.from(Settings.of(Map.of(
                "mysql.databases", "ok,bad-name,mysql,a__rtmp", "mysql.port", "70000"))));
        for (String part : List.of("bad-name", "'mysql'", "a__rtmp", "70000")) {
            assertTrue(n.getMessage().contains(part), part + " in " + n.getMessage());
        }
    }

    @Test
    void exportWithoutDatabasesIsValid() {
        // a promoted standby configured for import only exports what it imported (see MysqlObjectsTest)
        assertTrue(MysqlSettings.SPECS.stream().filter(s -> s.key().equals("mysql.databases")).findFirst().orElseThrow()
                .description().contains("a promoted node exports what it imported"));
        new MysqlComponentProvider().exporter(Settings.empty()).close();
    }

    @Test
    void passwordIsDeclaredSecret() {
        assertTrue(MysqlSettings.SPECS.stream().filter(s -> s.key().equals("mysql.password")).findFirst().orElseThrow().secret());
        assertTrue(MysqlSettings.SPECS.stream().allMatch(s -> s.prefix().equals("mysql")));
    }

    @Test
    void defaultsFileQuoting() {
        assertEquals("\"a\\\"b\\\\c d#;\"", DefaultsFile.quote("a\"b\\c d#;"));
        assertThrows(ResilienceException.class, () -> DefaultsFile.quote("two\nlines"));
    }

    @Test
    void passwordGoesToA0600FileNeverToArgv() throws Exception {
        MysqlSettings s = MysqlSettings.from(Settings.of(Map.of("mysql.databases", "a", "mysql.password", "s3cr\"et",
                "mysql.socket", "/run/mysqld/mysqld.sock")));
        java.nio.file.Path file;
        try (DefaultsFile d = DefaultsFile.create(s)) {
            file = d.path();
            List<String> argv = MysqlTools.connectionArgs(java.nio.file.Path.of("/usr/bin/mydumper"), d, s);
            assertTrue(argv.stream().noneMatch(a -> a.contains("s3cr")), argv.toString());
            assertTrue(argv.contains("--socket=/run/mysqld/mysqld.sock"), argv.toString());
            assertEquals("--defaults-file=" + file, argv.get(1));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(file)));
            assertTrue(java.nio.file.Files.readString(file).contains("password=\"s3cr\\\"et\""));
        }
        assertFalse(java.nio.file.Files.exists(file), "removed after use");
    }

    @Test
    void regexSelectsExactlyTheDatabases() {
        String re = MysqlExporter.regex(List.of("a", "b$c"));
        assertEquals("^(a|b\\$c)\\.", re);
        assertTrue(java.util.regex.Pattern.compile(re).matcher("b$c.t").find());
        assertFalse(java.util.regex.Pattern.compile(re).matcher("ab.t").find());
    }
}
