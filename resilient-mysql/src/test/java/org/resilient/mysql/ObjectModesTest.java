package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectModesTest {
    @Test
    void identifiesWhatAStatementCreates() {
        assertEquals(List.of("FUNCTION", "f`x"), ObjectModes.identify(
                "CREATE DEFINER=`root`@`localhost` FUNCTION `f``x`(a INT) RETURNS INT RETURN a").orElseThrow());
        assertEquals(List.of("PROCEDURE", "quo\"ted"), ObjectModes.identify(
                "CREATE DEFINER=\"root\"@\"localhost\" PROCEDURE \"quo\"\"ted\"() SELECT 1").orElseThrow());
        assertEquals(List.of("TRIGGER", "t_bi"), ObjectModes.identify(
                "CREATE DEFINER=`a b`@`%` TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.x = 1").orElseThrow());
        assertEquals(List.of("EVENT", "ev"), ObjectModes.identify(
                "CREATE DEFINER=`root`@`localhost` EVENT `ev` ON SCHEDULE EVERY 1 DAY DO DELETE FROM t").orElseThrow());
        assertEquals(List.of("VIEW", "v"), ObjectModes.identify(
                "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1").orElseThrow());
        assertTrue(ObjectModes.identify("DROP FUNCTION IF EXISTS `f`").isEmpty());
        assertTrue(ObjectModes.identify("SET character_set_client = utf8mb4").isEmpty());
    }

    @Test
    void readsWhatTheExporterWrote(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(ObjectModes.FILE), "# header\nFUNCTION\tdb\tta\\tb\\\\\tPIPES_AS_CONCAT,ANSI_QUOTES\tlatin1"
                + "\tlatin1_swedish_ci\n");
        ObjectModes m = ObjectModes.read(dir);
        assertEquals(new ObjectModes.Mode("PIPES_AS_CONCAT,ANSI_QUOTES", "latin1", "latin1_swedish_ci"),
                m.of("db", "CREATE FUNCTION `ta\tb\\`() RETURNS INT RETURN 1").orElseThrow());
        assertTrue(m.of("other", "CREATE FUNCTION `ta\tb\\`() RETURNS INT RETURN 1").isEmpty());
        assertTrue(ObjectModes.read(dir.resolve("none")).of("db", "CREATE FUNCTION f() RETURNS INT RETURN 1").isEmpty());
    }
}
