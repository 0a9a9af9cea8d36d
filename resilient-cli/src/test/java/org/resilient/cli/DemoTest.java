package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("the demo runs four node processes over https, every step and every check passes, and all stop")
    void demoPasses() throws Exception {
        CliRun r = CliRun.of("demo", "--dir", dir.toString(), "--size-mb", "2");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("DEMO OK"), r.out());
        assertTrue(r.out().contains("0 failed"), r.out());
        for (String node : new String[] {"db0", "db-pbs", "db1", "db2"}) {
            assertTrue(r.out().contains(node + " stopped cleanly"), r.out());
            // Each node ran as its own process and talked https.
            String log = Files.readString(dir.resolve(node + ".log"));
            assertTrue(log.contains("runs as pid") && log.contains("(TLS 1.3, client certificates of the cluster required)"),
                    log);
        }
        assertTrue(r.out().contains("3 cycles, 3 generations, one per backup") && r.out().contains("the archive verifies"),
                r.out());
    }
}
