package org.resilient.core.failover;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.core.files.FilesComponentWrapper;
import org.resilient.core.files.FilesSettings;

/**
 * The real {@code files} component (name {@code watched-files}) with what failover tests need to see: how often
 * each copy (by {@code files.target}) was promoted and demoted, and a gate that holds an import until the test
 * opens it (an import in progress during a takeover). Demotion is counted, then passed to the files component.
 *
 * <p>It also records, in the order they happen, every export the component is asked for and every import it
 * carries out ({@link #calls}): what the component itself saw, independent of the node's own view of its lease and
 * epoch, so a failover test can check the fencing from what was really done.
 */
public final class WatchedFilesComponent extends FilesComponentWrapper {
    private static final Map<Path, AtomicInteger> PROMOTED = new ConcurrentHashMap<>();
    private static final Map<Path, AtomicInteger> DEMOTED = new ConcurrentHashMap<>();
    private static final Map<Path, Gate> GATES = new ConcurrentHashMap<>();
    private static final Set<Path> FAILING = ConcurrentHashMap.newKeySet();
    private static final List<Call> CALLS = new ArrayList<>();

    /**
     * One export asked of the component, or one import it carried out to the end.
     *
     * @param export true for an export, false for an import
     * @param copy the live copy ({@code files.source} of an export, {@code files.target} of an import)
     * @param epoch the epoch of the backup (the exporter's, or the one in the imported manifest)
     * @param backupId the backup (its id holds the exporting node's name and clock time)
     */
    public record Call(boolean export, Path copy, Epoch epoch, BackupId backupId) {
    }

    /** A held import: {@link #entered} counts down when the import starts, the import waits for {@link #open}. */
    public record Gate(CountDownLatch entered, CountDownLatch open) {
    }

    /** Creates the provider (found by ServiceLoader). */
    public WatchedFilesComponent() {
    }

    /** @return promotions of the copy at a target */
    public static int promoted(Path target) {
        return PROMOTED.getOrDefault(target.toAbsolutePath().normalize(), new AtomicInteger()).get();
    }

    /** @return demotions of the copy at a target */
    public static int demoted(Path target) {
        return DEMOTED.getOrDefault(target.toAbsolutePath().normalize(), new AtomicInteger()).get();
    }

    /** Makes every import into a target fail (an IO_ERROR) until called again with false. */
    public static void failImports(Path target, boolean fail) {
        Path t = target.toAbsolutePath().normalize();
        if (fail) {
            FAILING.add(t);
        } else {
            FAILING.remove(t);
        }
    }

    /** Holds the next import into a target until the gate opens. */
    public static Gate hold(Path target) {
        Gate g = new Gate(new CountDownLatch(1), new CountDownLatch(1));
        GATES.put(target.toAbsolutePath().normalize(), g);
        return g;
    }

    /**
     * The exports and imports recorded under a directory (one cluster's), in the order they happened.
     *
     * @param under the directory holding the live copies
     * @return the calls
     */
    public static List<Call> calls(Path under) {
        Path u = under.toAbsolutePath().normalize();
        synchronized (CALLS) {
            return CALLS.stream().filter(c -> c.copy().startsWith(u)).toList();
        }
    }

    private static void record(Call c) {
        synchronized (CALLS) {
            CALLS.add(c);
        }
    }

    @Override
    public Exporter exporter(Settings settings) {
        Exporter real = files.exporter(settings);
        Path source = FilesSettings.SOURCE.require(settings).toAbsolutePath().normalize();
        return new Exporter() {
            @Override
            public void export(ExportContext context) {
                // Recorded when asked, before the dump: an export begun by a node that may not export is the fault
                // a test must see, whatever happens to its backup later.
                record(new Call(true, source, context.epoch(), context.backupId()));
                real.export(context);
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    @Override
    public String name() {
        return "watched-files";
    }

    @Override
    public String description() {
        return "the files component, counting promotions and demotions (tests)";
    }

    @Override
    public Importer importer(Settings settings) {
        Importer real = files.importer(settings);
        Path target = FilesSettings.TARGET.require(settings).toAbsolutePath().normalize();
        return new Importer() {
            @Override
            public void importBackup(ImportContext context) {
                if (FAILING.contains(target)) {
                    throw new org.resilient.api.ResilienceException(org.resilient.api.ErrorCode.IO_ERROR,
                            "import into " + target + " fails (the test says so)");
                }
                Gate g = GATES.remove(target);
                if (g != null) {
                    g.entered().countDown();
                    try {
                        if (!g.open().await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never opened the import gate of " + target);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                real.importBackup(context);
                record(new Call(false, target, context.manifest().epoch(), context.backupId()));
            }

            @Override
            public void promote(RoleChangeContext context) {
                PROMOTED.computeIfAbsent(target, k -> new AtomicInteger()).incrementAndGet();
                real.promote(context);
            }

            @Override
            public void demote(RoleChangeContext context) {
                DEMOTED.computeIfAbsent(target, k -> new AtomicInteger()).incrementAndGet();
                real.demote(context);
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }
}
