package org.resilient.core.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.resilient.api.BackupRef;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;

/**
 * Chooses the import node to promote when the leader is gone, from the members' states alone.
 *
 * <p>The rules, in order:
 * <ol>
 * <li>Candidates are the healthy import nodes with a good import. None → no automatic takeover
 *     ({@link ElectionDecision.Outcome#NONE}), with the reason for every import node.</li>
 * <li>The best candidate has the newest good import (higher epoch, then higher sequence: the least data
 *     lost); then the higher {@code node.priority}; then the name that sorts first.</li>
 * <li>An import in progress may change that: while the bounded wait that began with the election lasts,
 *     the election waits ({@link ElectionDecision.Outcome#WAIT}) if the best candidate is importing, or if
 *     another healthy import node is importing a backup newer than the best good import. When the wait is
 *     over, candidates still importing are passed over for the best one that is not; if every candidate is
 *     still importing, the best is elected anyway (its last good state is intact; its import must be
 *     cancelled before it is promoted).</li>
 * </ol>
 * The decision depends only on the states and the two times given, never on their order or on a clock.
 */
public final class Election {
    /** The default bound on waiting for imports in progress. */
    public static final Duration DEFAULT_IMPORT_WAIT = Duration.ofSeconds(30);

    private static final Comparator<MemberState> BEST_FIRST = Comparator
            .comparing(MemberState::lastGoodImport, Comparator.reverseOrder())
            .thenComparing(MemberState::priority, Comparator.reverseOrder())
            .thenComparing(MemberState::name);

    private final Duration importWait;

    /**
     * Creates an election.
     *
     * @param importWait how long after the election began it waits for imports in progress, not negative
     */
    public Election(Duration importWait) {
        if (importWait.isNegative()) {
            throw new IllegalArgumentException("the import wait must not be negative: " + importWait);
        }
        this.importWait = importWait;
    }

    /**
     * An election that waits {@link #DEFAULT_IMPORT_WAIT} for imports in progress.
     *
     * @return the election
     */
    public static Election withDefaults() {
        return new Election(DEFAULT_IMPORT_WAIT);
    }

    /**
     * The candidates, best first: healthy import nodes with a good import, by good import, priority, name.
     *
     * @param members the members' states
     * @return the ranked candidates, possibly empty
     */
    public List<MemberState> rank(Collection<MemberState> members) {
        return members.stream().filter(Election::eligible).sorted(BEST_FIRST).toList();
    }

    /**
     * Decides what to do now.
     *
     * @param members the live members' states (the old leader's, if still listed, is ignored)
     * @param electionStarted when the leader was found gone: the wait for imports counts from here
     * @param now the current time
     * @return elect, wait or none, with the reason
     */
    public ElectionDecision decide(Collection<MemberState> members, Instant electionStarted, Instant now) {
        Objects.requireNonNull(electionStarted, "electionStarted");
        Objects.requireNonNull(now, "now");
        Instant waitUntil = electionStarted.plus(importWait);
        boolean waiting = now.isBefore(waitUntil);
        List<MemberState> imports = members.stream().filter(m -> m.role() == NodeRole.IMPORT && m.healthy())
                .sorted(Comparator.comparing(MemberState::name)).toList();
        List<MemberState> ranked = rank(members);
        if (ranked.isEmpty()) {
            Optional<MemberState> first = imports.stream().filter(MemberState::importing).findFirst();
            if (waiting && first.isPresent()) {
                return ElectionDecision.waitFor(first.get(), waitUntil, "no candidate has a good import yet; waiting"
                        + " until " + waitUntil + " for " + first.get().name() + " to finish importing "
                        + first.get().importInProgress().backup());
            }
            return ElectionDecision.none("no automatic takeover: no healthy import node has a good import ("
                    + excluded(members) + "); take over by hand with --force if the data loss is acceptable");
        }
        MemberState best = ranked.get(0);
        if (waiting) {
            if (best.importing()) {
                return ElectionDecision.waitFor(best, waitUntil, "waiting until " + waitUntil + " for " + best.name()
                        + ", the best candidate (good import " + best.lastGoodImport() + "), to finish importing "
                        + best.importInProgress().backup());
            }
            Optional<MemberState> overtaking = imports.stream().filter(MemberState::importing)
                    .filter(m -> m.importInProgress().backup().isNewerThan(best.lastGoodImport()))
                    .max(Comparator.comparing((MemberState m) -> m.importInProgress().backup()));
            if (overtaking.isPresent()) {
                MemberState m = overtaking.get();
                return ElectionDecision.waitFor(m, waitUntil, "waiting until " + waitUntil + " for " + m.name()
                        + " to finish importing " + m.importInProgress().backup() + ", newer than the best good import ("
                        + best.name() + ": " + best.lastGoodImport() + ")");
            }
            return ElectionDecision.elect(best, why(best, ranked));
        }
        List<String> passedOver = new ArrayList<>();
        for (MemberState c : ranked) {
            if (!c.importing()) {
                return ElectionDecision.elect(c, passedOver.isEmpty() ? why(c, ranked) : c.name()
                        + " is the best candidate not importing (good import " + c.lastGoodImport()
                        + "); passed over, still importing after " + importWait + ": " + String.join(", ", passedOver));
            }
            passedOver.add(c.name() + " (" + c.importInProgress().backup() + ")");
        }
        return ElectionDecision.elect(best, why(best, ranked) + "; every candidate is still importing after " + importWait
                + ", so " + best.name() + " is elected anyway: cancel its import before promoting it");
    }

    private static boolean eligible(MemberState m) {
        return m.role() == NodeRole.IMPORT && m.healthy() && m.hasGoodImport();
    }

    private static String why(MemberState chosen, List<MemberState> ranked) {
        StringBuilder b = new StringBuilder(chosen.name()).append(" has the newest good import, ")
                .append(chosen.lastGoodImport());
        BackupRef good = chosen.lastGoodImport();
        List<MemberState> tied = ranked.stream().filter(m -> !m.name().equals(chosen.name()) && m.lastGoodImport().compareTo(good) == 0).toList();
        if (!tied.isEmpty()) {
            boolean samePriority = tied.stream().allMatch(m -> m.priority() == chosen.priority());
            b.append(", tied with ").append(String.join(", ", tied.stream().map(MemberState::name).toList()))
                    .append(samePriority ? "; same node.priority, so the first name wins"
                            : "; it has the highest node.priority (" + chosen.priority() + ")");
        }
        return b.toString();
    }

    private static String excluded(Collection<MemberState> members) {
        List<String> why = new ArrayList<>();
        members.stream().filter(m -> m.role() == NodeRole.IMPORT).sorted(Comparator.comparing(MemberState::name))
                .forEach(m -> why.add(m.name() + ": " + (!m.healthy() ? "unhealthy" : "no good import")));
        return why.isEmpty() ? "no import node is a member" : String.join("; ", why);
    }
}
