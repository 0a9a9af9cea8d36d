package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectScriptTest {

    @Test
    void splitsMydumperPostFileKeepingMultiLineBodies() {
        String text = """
                SET @PREV_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT;
                SET character_set_client = utf8mb4;
                DROP PROCEDURE IF EXISTS `p`;
                CREATE DEFINER=`root`@`localhost` PROCEDURE `p`(IN x INT)
                BEGIN
                  SELECT x;\s
                  SELECT 1;\s
                END;
                SET character_set_client = @PREV_CHARACTER_SET_CLIENT;
                /*!40101 SET NAMES binary*/;
                """;
        List<String> st = ObjectScript.split(text);
        assertEquals(List.of("SET @PREV_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT",
                "SET character_set_client = utf8mb4", "DROP PROCEDURE IF EXISTS `p`",
                "CREATE DEFINER=`root`@`localhost` PROCEDURE `p`(IN x INT)\nBEGIN\n  SELECT x;\n  SELECT 1;\nEND",
                "SET character_set_client = @PREV_CHARACTER_SET_CLIENT"), st);
    }
}
