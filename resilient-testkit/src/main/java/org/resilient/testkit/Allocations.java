package org.resilient.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the bytes the JVM allocated in the heap while an action ran, over every thread alive at its start or end
 * (HotSpot's per-thread allocation counters). Unlike heap usage, which depends on when the collector ran, the count is
 * deterministic: an importer that reads a whole 64 MiB file into an array allocates at least 64 MiB, one that
 * streams it through a 64 KiB buffer allocates a few hundred KiB, whatever the heap size. Threads that start and
 * end inside the action are not counted (their counters die with them).
 */
public final class Allocations {
    private Allocations() {
    }

    /**
     * The bytes allocated while an action ran.
     *
     * @param action the action
     * @return the count, or empty on a JVM without allocation counters (the caller skips its test)
     */
    public static Optional<Long> during(Runnable action) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean hotspot) || !hotspot.isThreadAllocatedMemorySupported()) {
            action.run();
            return Optional.empty();
        }
        if (!hotspot.isThreadAllocatedMemoryEnabled()) {
            hotspot.setThreadAllocatedMemoryEnabled(true);
        }
        Map<Long, Long> before = snapshot(hotspot);
        action.run();
        long total = 0;
        for (Map.Entry<Long, Long> e : snapshot(hotspot).entrySet()) {
            total += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return Optional.of(total);
    }

    /**
     * How much the old generation of the heap grew at its peak while an action ran: where the JVM puts large arrays
     * (G1's humongous regions) and what stays live through young collections. A component that holds a whole file in
     * an array grows it by the file's size; one that streams through short-lived buffers barely grows it, however
     * much it allocates (TLS and HTTP clients allocate a buffer per record).
     *
     * @param action the action
     * @return the growth in bytes, or empty on a JVM whose collector names no old generation
     */
    public static Optional<Long> oldGenerationGrowth(Runnable action) {
        List<MemoryPoolMXBean> old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
                .filter(p -> p.getName().contains("Old Gen") || p.getName().contains("Tenured")).toList();
        if (old.isEmpty()) {
            action.run();
            return Optional.empty();
        }
        long before = 0;
        for (MemoryPoolMXBean p : old) {
            before += p.getUsage().getUsed();
            p.resetPeakUsage();
        }
        action.run();
        long peak = 0;
        for (MemoryPoolMXBean p : old) {
            peak += p.getPeakUsage().getUsed();
        }
        return Optional.of(Math.max(0, peak - before));
    }

    private static Map<Long, Long> snapshot(com.sun.management.ThreadMXBean mx) {
        long[] ids = mx.getAllThreadIds();
        long[] bytes = mx.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }
}
