package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which keys are split off a mydumper 0.10 schema file, and what stays. */
class DeferredKeysTest {
    private static final String HEAD = "/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n\n"
            + "/*!40103 SET TIME_ZONE='+00:00' */;\n";

    private static String schema(String body, String engine) {
        return HEAD + "CREATE TABLE `t` (\n" + body + "\n) ENGINE=" + engine + " DEFAULT CHARSET=utf8mb4;\n";
    }

    @Test
    void plainKeysAreSplitOffAndTheRestKept() {
        String s = schema("  `id` bigint(20) NOT NULL,\n  `u` int(11) NOT NULL,\n  `v` varchar(40) DEFAULT NULL,\n"
                + "  PRIMARY KEY (`id`),\n  UNIQUE KEY `v_u` (`v`),\n  KEY `u` (`u`),\n"
                + "  KEY `uv` (`u`,`v`(10)) COMMENT 'a, b',\n  CONSTRAINT `c` CHECK (`u` >= 0)", "InnoDB");
        var split = DeferredKeys.split(s, "t", Set.of()).orElseThrow();
        assertEquals(List.of("KEY `u` (`u`)", "KEY `uv` (`u`,`v`(10)) COMMENT 'a, b'"), split.keys());
        assertEquals(schema("  `id` bigint(20) NOT NULL,\n  `u` int(11) NOT NULL,\n  `v` varchar(40) DEFAULT NULL,\n"
                + "  PRIMARY KEY (`id`),\n  UNIQUE KEY `v_u` (`v`),\n  CONSTRAINT `c` CHECK (`u` >= 0)", "InnoDB"), split.schema());
        assertEquals("ALTER TABLE `d`.`t` ADD KEY `u` (`u`), ADD KEY `uv` (`u`,`v`(10)) COMMENT 'a, b'",
                split.alter("`d`.`t`"));
    }

    @Test
    void theCommaBeforeARemovedLastKeyGoes() {
        var split = DeferredKeys.split(schema("  `id` int(11) NOT NULL,\n  `u` int(11),\n  PRIMARY KEY (`id`),\n"
                + "  KEY `u` (`u`)", "InnoDB"), "t", Set.of()).orElseThrow();
        assertTrue(split.schema().contains("  PRIMARY KEY (`id`)\n) ENGINE=InnoDB"), split.schema());
    }

    @Test
    void tablesThatMustKeepTheirKeys() {
        String plain = "  `id` int(11) NOT NULL,\n  `u` int(11),\n  PRIMARY KEY (`id`),\n  KEY `u` (`u`)";
        assertFalse(DeferredKeys.split(schema(plain, "MyISAM"), "t", Set.of()).isPresent(), "not InnoDB");
        assertFalse(DeferredKeys.split(schema(plain, "InnoDB"), "t", Set.of("t")).isPresent(), "referenced by a foreign key");
        assertFalse(DeferredKeys.split(schema(plain + ",\n  CONSTRAINT `fk` FOREIGN KEY (`u`) REFERENCES `p` (`id`)",
                "InnoDB"), "t", Set.of()).isPresent(), "has a foreign key");
        assertFalse(DeferredKeys.split(schema(plain + ",\n  FULLTEXT KEY `f` (`u`)", "InnoDB"), "t", Set.of()).isPresent());
        assertFalse(DeferredKeys.split(schema(plain, "InnoDB").replace(";\n", " WITH SYSTEM VERSIONING;\n"), "t",
                Set.of()).isPresent(), "system versioned");
        assertFalse(DeferredKeys.split(schema(plain + ",\n  `v` int(11) GENERATED ALWAYS AS (`u` MOD 7) VIRTUAL", "InnoDB"),
                "t", Set.of()).isPresent(), "generated column");
        assertFalse(DeferredKeys.split(schema("  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `x` (`id`)",
                "InnoDB"), "t", Set.of()).isPresent(), "nothing to defer");
        assertFalse(DeferredKeys.split(HEAD + "CREATE TABLE `t` (`id` int) ENGINE=InnoDB;\n", "t", Set.of()).isPresent(),
                "not one element a line");
    }

    @Test
    void referencedTablesAreFoundAcrossDatabases() {
        assertEquals(Set.of("p", "q`r", "s"), DeferredKeys.referencedTables(List.of(
                "  CONSTRAINT `a` FOREIGN KEY (`x`) REFERENCES `p` (`id`)",
                "  CONSTRAINT `b` FOREIGN KEY (`x`) REFERENCES `other`.`q``r` (`id`) ON DELETE CASCADE,\n"
                        + "  CONSTRAINT `c` FOREIGN KEY (`y`) REFERENCES `s` (`id`)")));
    }
}
