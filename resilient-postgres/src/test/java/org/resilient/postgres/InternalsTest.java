package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Unit tests of the component's small internal pieces (no server needed). */
class InternalsTest {

    @Test
    @DisplayName("libpq messages map to error codes")
    void classify() {
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, PgErrors.classify(List.of("psql: error: connection to server at "
                + "\"127.0.0.1\", port 5432 failed: FATAL:  password authentication failed for user \"x\"")));
        assertEquals(ErrorCode.UNREACHABLE, PgErrors.classify(List.of("connection to server at \"127.0.0.1\", port 1 "
                + "failed: Connection refused", "\tIs the server running on that host and accepting TCP/IP connections?")));
        assertEquals(ErrorCode.NOT_FOUND, PgErrors.classify(List.of("FATAL:  database \"nope\" does not exist")));
        assertEquals(ErrorCode.IO_ERROR, PgErrors.classify(List.of("ERROR:  could not extend file \"base/1/2\": "
                + "No space left on device")));
        assertEquals(ErrorCode.TOOL_FAILED, PgErrors.classify(List.of("ERROR:  syntax error at or near \"x\"")));
    }

    @Test
    @DisplayName("rows of a COPY file: lines up to the end marker, escaped backslashes are rows, blocks do not matter")
    void rowCounts(@TempDir Path dir) throws Exception {
        assertEquals(3, RowCounts.rows(Files.writeString(dir.resolve("1.dat"), "a\tb\n\\\\.\nc\n\\.\n\n")));
        assertEquals(2, RowCounts.rows(Files.writeString(dir.resolve("2.dat"), "a\nb")));
        assertEquals(0, RowCounts.rows(Files.writeString(dir.resolve("3.dat"), "\\.\n\n")));
        assertEquals(1, RowCounts.rows(Files.writeString(dir.resolve("4.dat"), "\\\\.\n")));
        // the end marker right across the 1 MB block boundary
        String big = "x".repeat((1 << 20) - 2) + "\n\\.\n";
        assertEquals(1, RowCounts.rows(Files.writeString(dir.resolve("5.dat"), big)));
        assertEquals(java.util.Map.of("1.dat", 3L, "2.dat", 2L, "3.dat", 0L, "4.dat", 1L, "5.dat", 1L),
                RowCounts.count(dir));
    }

    @Test
    @DisplayName("work database names stay distinct and within PostgreSQL's 63 bytes")
    void workNames() {
        assertEquals("shop__resilient_tmp", WorkNames.tmp("shop"));
        assertEquals("shop__resilient_old", WorkNames.old("shop"));
        String longA = "ä".repeat(30) + "a";
        String longB = "ä".repeat(30) + "b";
        assertTrue(WorkNames.tmp(longA).getBytes(StandardCharsets.UTF_8).length <= 63);
        assertTrue(WorkNames.old(longA).getBytes(StandardCharsets.UTF_8).length <= 63);
        assertNotEquals(WorkNames.tmp(longA), WorkNames.tmp(longB));
        assertTrue(WorkNames.isWorkName(WorkNames.tmp(longA)));
        assertFalse(WorkNames.isWorkName("shop"));
    }

    @Test
    @DisplayName("applied globals never touch the role the importer connects as")
    void globalsFilter() {
        String script = "CREATE ROLE app;\nALTER ROLE app WITH NOSUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$x';\n"
                + "CREATE ROLE postgres;\nALTER ROLE postgres WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$y';\n"
                + "CREATE ROLE \"Odd Role\";\nALTER ROLE \"Odd Role\" WITH LOGIN;\n";
        String filtered = GlobalsFilter.filter(script, "postgres");
        assertTrue(filtered.contains("CREATE ROLE app;") && filtered.contains("ALTER ROLE app WITH"));
        assertFalse(filtered.contains("postgres"), filtered);
        String odd = GlobalsFilter.filter(script, "Odd Role");
        assertFalse(odd.contains("Odd Role"), odd);
        assertTrue(odd.contains("ALTER ROLE postgres"));
    }

    @Test
    @DisplayName("tool versions are parsed from --version output")
    void parseMajor() {
        assertEquals(Optional.of(15), PgTools.parseMajor("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n"));
        assertEquals(Optional.of(9), PgTools.parseMajor("pg_dump (PostgreSQL) 9.6.24"));
        assertEquals(Optional.empty(), PgTools.parseMajor("something else 15"));
        assertEquals(15, PgSession.majorOf(150004));
        assertEquals(9, PgSession.majorOf(90624));
    }

    @Test
    @DisplayName("the pgpass file is 0600, escapes the password and is removed on close")
    void pgpass() throws Exception {
        Path path;
        try (PgPassFile f = PgPassFile.create("a:b\\c")) {
            path = f.path();
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(path));
            assertEquals("*:*:*:*:a\\:b\\\\c\n", Files.readString(path));
        }
        assertFalse(Files.exists(path));
    }

    @Test
    @DisplayName("metadata keeps database names with any characters, and bad metadata is refused")
    void metadata(@TempDir Path dir) throws Exception {
        DumpMetadata meta = new DumpMetadata(150004, List.of(new DumpMetadata.Database("Shop Ünï = 'x'",
                DumpMetadata.directoryFor(0, "Shop Ünï = 'x'"), "UTF8", "C.UTF-8", "C.UTF-8", "Öwner"),
                new DumpMetadata.Database("b", DumpMetadata.directoryFor(1, "b"), "UTF8", "", "", "o",
                        new DatabaseProperties(7, "line 1\nline = 2 ü", List.of("search_path=a, \"$user\"", "x.y=1"),
                                List.of("/CONNECT/false", "r w/TEMPORARY/true")))), true);
        meta.write(dir);
        assertEquals(meta, DumpMetadata.read(dir));
        assertTrue(meta.databases().get(0).directory().matches("[A-Za-z0-9_-]+"));
        Files.writeString(dir.resolve(DumpMetadata.FILE_NAME), "format=1\nserver.version-num=150004\ndatabases=1\n"
                + "database.0.name=x\ndatabase.0.directory=../../etc\ndatabase.0.encoding=UTF8\n");
        ResilienceException e = assertThrows(ResilienceException.class, () -> DumpMetadata.read(dir));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
    }
}
