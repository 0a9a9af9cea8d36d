package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("the demo runs every step and every check passes")
    void demoPasses() {
        CliRun r = CliRun.of("demo", "--dir", dir.toString(), "--size-mb", "2");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("16 checks, 0 failed"), r.out());
        assertTrue(r.out().contains("DEMO OK"), r.out());
        assertTrue(r.out().contains("refused [WRONG_STATE]"), "the old leader is fenced: " + r.out());
    }
}
