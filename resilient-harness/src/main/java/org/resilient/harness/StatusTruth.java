package org.resilient.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.resilient.api.BackupId;
import org.resilient.core.InterruptedStep;
import org.resilient.core.NodeStatus;

/**
 * The check of a node's status right after it started again from a kill (issue 16.18): never healthy unless the
 * standby is exactly the backup the status names as imported; an import that left the standby different from it is
 * reported as interrupted; an unhealthy status names the backup whose import was cut off.
 */
public final class StatusTruth {
    private StatusTruth() {
    }

    /**
     * Checks the status against what the standby holds.
     *
     * @param s the node's status
     * @param standbyNow a fingerprint of the standby now
     * @param states the fingerprint of the standby holding each backup
     * @param cut the backup whose import was killed
     * @param where the case, for messages
     */
    public static void assertTruthful(NodeStatus s, Object standbyNow, Map<BackupId, ?> states, BackupId cut, String where) {
        Object named = s.lastImport() == null ? null : states.get(s.lastImport().backupId());
        if (standbyNow.equals(named)) {
            assertTrue(s.healthy() || !s.interrupted().isEmpty()
                            || s.problems().stream().anyMatch(p -> p.contains("rolled back")),
                    where + ": the standby is the named backup, yet the status gives no reason for being unhealthy: "
                            + s.problems());
        } else {
            assertFalse(s.healthy(), where + ": healthy while the standby is not the backup it names (" + s.lastImport() + ")");
            assertEquals(List.of("import"), s.interrupted().stream().map(InterruptedStep::step).toList(),
                    where + ": the standby differs from the named backup and no interrupted import is reported: "
                            + s.problems());
        }
        if (!s.healthy()) {
            assertTrue(s.problems().stream().anyMatch(p -> p.contains(cut.value())),
                    where + ": the problem does not name the interrupted backup: " + s.problems());
        }
    }
}
