package org.resilient.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which generations an archive keeps. A generation is kept if any rule keeps it: the newest {@code keepLast},
 * all within {@code keepWithin} of now, and the newest of each of the last {@code keepDaily} days,
 * {@code keepWeekly} ISO weeks and {@code keepMonthly} months (UTC). The newest generation is always kept.
 *
 * @param keepLast keep this many newest generations (0 for none by this rule)
 * @param keepWithin keep all generations younger than this (zero for none by this rule)
 * @param keepDaily keep the newest generation of this many days
 * @param keepWeekly keep the newest generation of this many weeks
 * @param keepMonthly keep the newest generation of this many months
 */
public record RetentionPolicy(int keepLast, Duration keepWithin, int keepDaily, int keepWeekly, int keepMonthly) {

    /** The default: keep everything from the last 14 days. */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(1, Duration.ofDays(14), 0, 0, 0);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public RetentionPolicy {
        if (keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0 || keepWithin.isNegative()) {
            throw new IllegalArgumentException("retention counts and durations must be >= 0");
        }
    }

    /**
     * Selects the generations to keep.
     *
     * @param generations all generations, in any order
     * @param now the current time
     * @return the ids of the generations to keep
     */
    public Set<String> keep(List<Generation> generations, Instant now) {
        List<Generation> newestFirst = new ArrayList<>(generations);
        newestFirst.sort(Comparator.comparing(Generation::time).thenComparing(Generation::id).reversed());
        Set<String> kept = new LinkedHashSet<>();
        if (!newestFirst.isEmpty()) {
            kept.add(newestFirst.get(0).id());
        }
        newestFirst.stream().limit(keepLast).forEach(g -> kept.add(g.id()));
        Instant cutoff = now.minus(keepWithin);
        newestFirst.stream().filter(g -> g.time().isAfter(cutoff)).forEach(g -> kept.add(g.id()));
        keepNewestPer(newestFirst, keepDaily, kept, g -> day(g));
        keepNewestPer(newestFirst, keepWeekly, kept, g -> {
            LocalDate d = day(g);
            return d.get(IsoFields.WEEK_BASED_YEAR) * 100 + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        });
        keepNewestPer(newestFirst, keepMonthly, kept, g -> day(g).withDayOfMonth(1));
        return kept;
    }

    private static LocalDate day(Generation g) {
        return g.time().atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static void keepNewestPer(List<Generation> newestFirst, int periods, Set<String> kept,
                                      Function<Generation, Object> period) {
        Set<Object> seen = new HashSet<>();
        for (Generation g : newestFirst) {
            if (seen.size() >= periods) {
                return;
            }
            if (seen.add(period.apply(g))) {
                kept.add(g.id());
            }
        }
    }
}
