package org.resilient.support.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.NodeLayout;

/** The record of the last delivery to a node: written by whoever delivers, read by the node's status. */
class DeliveriesTest {
    @TempDir
    Path dir;

    @Test
    void lastDeliveryWinsAndAnUnreadableRecordIsAFailure() throws IOException {
        NodeLayout node = new NodeLayout(dir.resolve("db1")).create();
        assertEquals(Optional.empty(), Deliveries.last(node));
        BackupId id = new BackupId("20260102T000000.000Z-db0");
        Instant t = Instant.parse("2026-01-02T00:00:01Z");
        assertEquals(Optional.empty(), Deliveries.failed(node, id, "file:/pbs1/", t, "disk full\nsecond line = x"));
        Deliveries.Delivery failed = Deliveries.last(node).orElseThrow();
        assertEquals(new Deliveries.Delivery(false, t, id, "file:/pbs1/", "disk full\nsecond line = x"), failed);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(node.state().resolve("delivery"))));

        assertEquals(Optional.empty(), Deliveries.succeeded(node, id, null, t.plusSeconds(1)));
        assertTrue(Deliveries.last(node).orElseThrow().ok());

        Files.writeString(node.state().resolve("delivery"), "ok=true\ntime=not a time\n");
        Deliveries.Delivery torn = Deliveries.last(node).orElseThrow();
        assertFalse(torn.ok(), "an unreadable record must not read as healthy");
        assertTrue(torn.message().contains("unreadable"), torn.message());
    }

    @Test
    void aDirectoryThatIsNoNodeGetsNoRecord() {
        NodeLayout none = new NodeLayout(dir.resolve("absent"));
        assertEquals(Optional.empty(), Deliveries.failed(none, new BackupId("x1"), null, Instant.EPOCH, "why"));
        assertFalse(Files.exists(dir.resolve("absent")));
    }
}
