package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;

@DisplayName("https transport: a whole backup cycle between core nodes")
@Timeout(120)
class HttpsClusterTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("export, pull-backup and import nodes named https://... move a backup from the live data to the standby")
    void cycle() throws IOException {
        try (HttpsCoreCluster cluster = new HttpsCoreCluster(tmp)) {
            HttpsCoreCluster.Cycle c = cluster.cycle();
            BackupId id = c.leader().exportNow();
            Optional<BackupId> pulled = c.pbs().poll();
            assertEquals(Optional.of(id), pulled, "the pull-backup node did not handle the announcement");
            assertEquals(Optional.of(id), c.imp().poll(), "the import node did not import the delivered backup");
            assertEquals(HttpsCoreCluster.TABLE, Files.readString(c.standby().resolve("table.csv")));
            assertTrue(Files.isDirectory(tmp.resolve("db1/backup").resolve(id.value())));
        }
    }
}
