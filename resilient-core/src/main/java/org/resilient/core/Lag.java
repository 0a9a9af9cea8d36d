package org.resilient.core;

import java.time.Duration;
import org.resilient.api.BackupId;

/**
 * How far a pull-backup or import node is behind the leader, as far as it knows: the newest backup it has heard
 * of from the leader (announced or delivered) against its last good pull (pull-backup) or import (import).
 *
 * @param newestKnown the newest backup the node knows of, or null if none
 * @param lastGood the newest backup it handled successfully, or null if none
 * @param behind the time between the two backups (0 when it is up to date), or null when a time is unknown
 * @param dataAge how old the data of its last good backup is now, or null if it has none
 */
public record Lag(BackupId newestKnown, BackupId lastGood, Duration behind, Duration dataAge) {
}
