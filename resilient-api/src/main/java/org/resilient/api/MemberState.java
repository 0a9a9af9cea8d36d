package org.resilient.api;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one node publishes to the coordinator about itself, and what every node reads about the others:
 * the input of failure detection and of the election. A node republishes it whenever it changes (a new
 * role, epoch or good import; an import starting or ending; its component becoming unreachable).
 *
 * @param name the node's name ({@code node.name}): letters, digits, {@code . _ -}, at most 64 characters
 * @param role what the node does now
 * @param epoch the newest epoch the node knows
 * @param lastGoodImport the newest backup the node imported successfully, or null if it has none (never an
 *     import node, or nothing imported yet)
 * @param importInProgress the import running now, or null
 * @param priority {@code node.priority}: among candidates with equally new good imports the higher wins
 * @param healthy whether the node can serve its role now (its component answers, its disk is writable);
 *     an unhealthy import node is never elected
 * @param publishedAt when the node published this state (by its own clock)
 */
public record MemberState(String name, NodeRole role, Epoch epoch, BackupRef lastGoodImport,
                          ImportInProgress importInProgress, int priority, boolean healthy, Instant publishedAt) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a required field is missing
     * @throws IllegalArgumentException if the name is not a valid node name
     */
    public MemberState {
        checkName(name);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(publishedAt, "publishedAt");
    }

    /**
     * A healthy node with no import behind it and priority 0.
     *
     * @param name the node's name
     * @param role its role
     * @param epoch the newest epoch it knows
     * @param now the publication time
     * @return the state
     */
    public static MemberState of(String name, NodeRole role, Epoch epoch, Instant now) {
        return new MemberState(name, role, epoch, null, null, 0, true, now);
    }

    /**
     * Checks a node name: it names files and coordination nodes, so it must be safe as a path segment.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is not letters, digits, {@code . _ -} (at most 64, not {@code ..})
     */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("invalid node name '" + name
                    + "': use letters, digits, '.', '_' and '-' only (max 64), starting with a letter or digit");
        }
        return name;
    }

    /**
     * Whether the node has a good import to be elected with.
     *
     * @return true if {@link #lastGoodImport()} is set
     */
    public boolean hasGoodImport() {
        return lastGoodImport != null;
    }

    /**
     * Whether an import is running on the node.
     *
     * @return true if {@link #importInProgress()} is set
     */
    public boolean importing() {
        return importInProgress != null;
    }

    /**
     * This state with another role and epoch (a promotion or a demotion).
     *
     * @param newRole the role
     * @param newEpoch the epoch
     * @return a copy
     */
    public MemberState withRole(NodeRole newRole, Epoch newEpoch) {
        return new MemberState(name, newRole, newEpoch, lastGoodImport, importInProgress, priority, healthy, publishedAt);
    }

    /**
     * This state after an import finished well: the backup becomes the last good import, nothing is importing.
     *
     * @param imported the backup imported
     * @return a copy
     */
    public MemberState withGoodImport(BackupRef imported) {
        return new MemberState(name, role, epoch, imported, null, priority, healthy, publishedAt);
    }

    /**
     * This state with another import in progress (null when it ended without a good import).
     *
     * @param running the import now running, or null
     * @return a copy
     */
    public MemberState withImportInProgress(ImportInProgress running) {
        return new MemberState(name, role, epoch, lastGoodImport, running, priority, healthy, publishedAt);
    }

    /**
     * This state with another priority.
     *
     * @param newPriority the priority
     * @return a copy
     */
    public MemberState withPriority(int newPriority) {
        return new MemberState(name, role, epoch, lastGoodImport, importInProgress, newPriority, healthy, publishedAt);
    }

    /**
     * This state with another health.
     *
     * @param nowHealthy whether the node can serve its role
     * @return a copy
     */
    public MemberState withHealthy(boolean nowHealthy) {
        return new MemberState(name, role, epoch, lastGoodImport, importInProgress, priority, nowHealthy, publishedAt);
    }

    /**
     * This state stamped with another publication time.
     *
     * @param at the time
     * @return a copy
     */
    public MemberState publishedAt(Instant at) {
        return new MemberState(name, role, epoch, lastGoodImport, importInProgress, priority, healthy, at);
    }
}
