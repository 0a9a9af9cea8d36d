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
    @DisplayName("the demo runs four node processes over https, fails over from a killed leader, every check passes, all stop")
    void demoPasses() throws Exception {
        CliRun r;
        try {
            r = CliRun.of("demo", "--dir", dir.toString(), "--size-mb", "2");
        } finally {
            // The deposed db0 keeps its live directory fenced (mode 0000): open it so that @TempDir can delete it.
            Path live = dir.resolve("live/db0");
            if (Files.exists(live)) {
                Files.setPosixFilePermissions(live, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        }
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
        // The failover: db1 took over by itself, its backups reached db2 and the archive, db0 came back fenced.
        for (String check : new String[] {"the best standby took over, alone", "the new epoch is the next one",
            "db0's live directory is fenced (demoted)", "db2 equals db1 byte for byte", "5 cycles, 5 generations"}) {
            assertTrue(r.out().contains("check: " + check), check + " missing in:\n" + r.out());
        }
    }
}
