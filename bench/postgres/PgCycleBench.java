import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ExportContext;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.RestoreOptions;
import org.resilient.api.StoreRequest;
import org.resilient.api.spi.Archive;
import org.resilient.core.registry.Registry;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.api.ImportContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.postgres.PostgresComponentProvider;
import org.resilient.process.ProcessRunner;
import org.resilient.testservers.PostgresServer;

/**
 * Benchmark of issue 4: a pgbench database (scale from args, 50 by default) moved between two throwaway
 * servers, (a) with the raw tools {@code pg_dump -Fd -j2} + {@code pg_restore -j2}, and (b) through the
 * resilient cycle: export (PostgresExporter) into a backup's data dir, seal (MANIFEST + SIGNATURE, sha256 of
 * every file), verify (sha256 of every file again, as the pull-backup node does), store into the archive,
 * restore from the archive into the import node, verify there, import (PostgresImporter). Run by bench.sh;
 * prints a table with the ratio.
 *
 * <p>The archive is the deduplicating {@code dir} archive when it is on the classpath, else the {@code copy}
 * archive (a full copy per generation); the table says which one ran.
 */
public class PgCycleBench {
    /** Timed for information, not counted: the pull-backup node pushes its verified copy, not a restore. */
    private static final String RESTORE_STEP = "(archive restore, not counted)";
    /** Steps of the full node pipeline that the minimal cycle of the issue leaves out. */
    private static final List<String> PIPELINE_ONLY = List.of("seal (sha256 MANIFEST)", "verify at import");
    private static String archiveScheme = "copy";

    public static void main(String[] args) throws Exception {
        int scale = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path work = Files.createTempDirectory("resilient-pgbench-");
        try (PostgresServer source = new PostgresServer(); PostgresServer target = new PostgresServer()) {
            source.start();
            target.start();
            Path pgpass = work.resolve("pgpass");
            Files.writeString(pgpass, "*:" + source.port() + ":*:*:" + source.password() + "\n*:" + target.port()
                    + ":*:*:" + target.password() + "\n");
            Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
            Path bin = source.binDirectory();
            source.createDatabase("bench");
            long t0 = System.nanoTime();
            tool(bin, "pgbench", source, pgpass, "-i", "-q", "-s", Integer.toString(scale), "bench");
            System.err.printf("pgbench -i -s %d: %.1f s, size %s%n", scale, secs(t0),
                    source.psql("bench", "SELECT pg_size_pretty(pg_database_size('bench'))").get(0));

            Map<String, List<Double>> raw = new LinkedHashMap<>();
            Map<String, List<Double>> rawZ0 = new LinkedHashMap<>();
            Map<String, List<Double>> cycle = new LinkedHashMap<>();
            Registry registry = Registry.load();
            archiveScheme = "dir"; // the deduplicating archive, if its module is on the classpath
            try (Archive archive = openArchive(registry, work)) {
                for (int r = 0; r < rounds; r++) {
                    if (r > 0) {
                        // some writes between rounds, so that later rounds are realistic incremental backups
                        // (the dedup archive must find what changed) rather than byte-identical ones
                        tool(bin, "pgbench", source, pgpass, "-c", "2", "-t", "500", "-n", "bench");
                    }
                    // alternate the order, so that neither side always runs on a warmer or busier server
                    if (r % 2 == 0) {
                        rawRun(bin, source, target, pgpass, work, raw, List.of());
                        rawRun(bin, source, target, pgpass, work, rawZ0, List.of("-Z", "0"));
                        cycleRun(source, target, work, archive, cycle);
                    } else {
                        cycleRun(source, target, work, archive, cycle);
                        rawRun(bin, source, target, pgpass, work, rawZ0, List.of("-Z", "0"));
                        rawRun(bin, source, target, pgpass, work, raw, List.of());
                    }
                }
            }
            String expected = source.psql("bench", "SELECT sum(abalance), count(*) FROM pgbench_accounts").get(0);
            String got = target.psql("bench", "SELECT sum(abalance), count(*) FROM pgbench_accounts").get(0);
            if (!expected.equals(got)) {
                throw new IllegalStateException("imported data differs: " + expected + " vs " + got);
            }
            print(scale, rounds, raw, rawZ0, cycle);
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    private static void rawRun(Path bin, PostgresServer source, PostgresServer target, Path pgpass, Path work,
                               Map<String, List<Double>> times, List<String> extra) throws IOException {
        Path dump = work.resolve("raw");
        AtomicFiles.deleteTree(dump);
        target.dropDatabase("bench_raw");
        target.createDatabase("bench_raw");
        List<String> dumpArgs = new ArrayList<>(List.of("-Fd", "-j", "2"));
        dumpArgs.addAll(extra);
        dumpArgs.addAll(List.of("-f", dump.toString(), "bench"));
        settle(source, target);
        long t = System.nanoTime();
        tool(bin, "pg_dump", source, pgpass, dumpArgs.toArray(String[]::new));
        add(times, "dump / export", secs(t));
        settle(source, target);
        t = System.nanoTime();
        tool(bin, "pg_restore", target, pgpass, "-j", "2", "-d", "bench_raw", dump.toString());
        add(times, "restore / import", secs(t));
        target.dropDatabase("bench_raw");
        AtomicFiles.deleteTree(dump);
    }

    private static void cycleRun(PostgresServer source, PostgresServer target, Path work, Archive archive,
                                 Map<String, List<Double>> times) throws IOException {
        var provider = new PostgresComponentProvider();
        BackupId id = BackupId.of(Instant.now(), "node0");
        Path backup = work.resolve("node0/backup/" + id);
        Path data = Files.createDirectories(backup.resolve("data"));
        settle(source, target);
        long t = System.nanoTime();
        try (Exporter exporter = provider.exporter(settings(source))) {
            exporter.export(ExportContext.builder().directory(data).backupId(id).loggerName("bench.export").build());
        }
        add(times, "dump / export", secs(t));
        t = System.nanoTime();
        SealedBackup sealed = BackupSealer.seal(backup, id, "postgres", "node0", Epoch.INITIAL, Instant.now(),
                ProgressListener.NONE, Cancellation.never());
        add(times, "seal (sha256 MANIFEST)", secs(t));
        t = System.nanoTime();
        BackupVerifier.verify(backup, ProgressListener.NONE, Cancellation.never());
        add(times, "verify at pull-backup", secs(t));
        Path importBackup = work.resolve("node1/backup/" + id);
        Files.createDirectories(importBackup.getParent());
        OperationContext op = OperationContext.builder(work).build();
        t = System.nanoTime();
        Generation generation = archive.store(new StoreRequest(backup, id, Instant.now(), "node0", Epoch.INITIAL,
                sealed.manifestDigest()), OperationContext.builder(backup).build());
        add(times, "archive store (" + archiveScheme + ")", secs(t));
        t = System.nanoTime();
        archive.restore(generation.id(), importBackup, RestoreOptions.DEFAULT, op);
        add(times, RESTORE_STEP, secs(t));
        t = System.nanoTime();
        // the import node verifies what the pull-backup node pushed; here that is the archive's restore,
        // which holds the same bytes as the pushed copy would
        SealedBackup verified = BackupVerifier.verify(importBackup, ProgressListener.NONE, Cancellation.never());
        add(times, "verify at import", secs(t));
        settle(source, target);
        t = System.nanoTime();
        try (Importer importer = provider.importer(settings(target))) {
            importer.importBackup(ImportContext.builder().directory(importBackup.resolve("data"))
                    .manifest(verified.readManifest()).loggerName("bench.import").build());
        }
        add(times, "restore / import", secs(t));
        AtomicFiles.deleteTree(work.resolve("node0"));
        AtomicFiles.deleteTree(work.resolve("node1"));
    }

    /**
     * Starts each timed dump and restore from the same state: dirty pages of both servers written
     * (CHECKPOINT) and the kernel's dirty pages flushed (sync), whatever ran before.
     */
    private static void settle(PostgresServer source, PostgresServer target) {
        source.psql("postgres", "CHECKPOINT");
        target.psql("postgres", "CHECKPOINT");
        ProcessRunner.command("sync").run();
    }

    private static Archive openArchive(Registry registry, Path work) {
        try {
            return registry.archive(archiveScheme).open(URI.create(archiveScheme + ":" + work.resolve("archive")),
                    Settings.empty(), true);
        } catch (RuntimeException e) {
            if (!archiveScheme.equals("copy")) {
                System.err.println("archive '" + archiveScheme + "' unusable (" + e.getMessage() + "), using copy");
                archiveScheme = "copy";
                return openArchive(registry, work);
            }
            throw e;
        }
    }

    private static Settings settings(PostgresServer s) {
        return Settings.of(Map.of("postgres.host", s.host(), "postgres.port", Integer.toString(s.port()),
                "postgres.user", s.user(), "postgres.password", s.password(), "postgres.databases", "bench",
                "postgres.jobs", "2", "postgres.sslmode", "disable"));
    }

    private static void tool(Path bin, String name, PostgresServer server, Path pgpass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve(name).toString()));
        cmd.addAll(List.of(args));
        ProcessRunner.command(cmd).environment("PGHOST", server.host())
                .environment("PGPORT", Integer.toString(server.port())).environment("PGUSER", server.user())
                .environment("PGPASSFILE", pgpass.toString()).environment("PGSSLMODE", "disable")
                .timeout(Duration.ofHours(1)).run();
    }

    private static void print(int scale, int rounds, Map<String, List<Double>> raw, Map<String, List<Double>> rawZ0,
                              Map<String, List<Double>> cycle) {
        double rawTotal = best(total(raw, rounds, List.of()));
        double rawZ0Total = best(total(rawZ0, rounds, List.of()));
        List<String> notMinimal = new ArrayList<>(PIPELINE_ONLY);
        notMinimal.add(RESTORE_STEP);
        double minimal = best(total(cycle, rounds, notMinimal));
        double pipeline = best(total(cycle, rounds, List.of(RESTORE_STEP)));
        System.out.printf("%npgbench scale %d, %d round(s); seconds; per step the best round, totals the best round"
                + " of each column%n%n", scale, rounds);
        System.out.printf("| step | raw pg_dump -Fd -j2 + pg_restore -j2 | raw with -Z0 | resilient cycle |%n");
        System.out.printf("|---|---:|---:|---:|%n");
        for (String step : cycle.keySet()) {
            System.out.printf("| %s | %s | %s | %.1f |%n", step, fmt(raw.get(step)), fmt(rawZ0.get(step)),
                    best(cycle.get(step)));
        }
        System.out.printf("| **total: cycle of the issue** (export, verify, store, import) | **%.1f** | **%.1f** | **%.1f** |%n",
                rawTotal, rawZ0Total, minimal);
        System.out.printf("| **total: node pipeline** (+ seal, + verify at import) | %.1f | %.1f | **%.1f** |%n",
                rawTotal, rawZ0Total, pipeline);
        System.out.printf("%nround totals: raw %s, raw-Z0 %s, cycle %s, pipeline %s%n",
                rounds(total(raw, rounds, List.of())), rounds(total(rawZ0, rounds, List.of())),
                rounds(total(cycle, rounds, notMinimal)), rounds(total(cycle, rounds, List.of(RESTORE_STEP))));
        System.out.printf("cycle / raw = %.2f (target <= 1.15); pipeline / raw = %.2f; cycle / raw-Z0 = %.2f%n",
                minimal / rawTotal, pipeline / rawTotal, minimal / rawZ0Total);
        System.out.println("archive: '" + archiveScheme + "' provider" + (archiveScheme.equals("copy")
                ? " (full copy per generation: the deduplicating 'dir' archive was not available)"
                : " (deduplicating; round 1 stores everything, later rounds only what changed)"));
    }

    private static String rounds(List<Double> v) {
        return v.stream().map(d -> String.format("%.1f", d)).toList().toString();
    }

    private static List<Double> total(Map<String, List<Double>> m, int rounds, List<String> excluded) {
        List<Double> totals = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            double sum = 0;
            for (Map.Entry<String, List<Double>> e : m.entrySet()) {
                if (!excluded.contains(e.getKey())) {
                    sum += e.getValue().get(i);
                }
            }
            totals.add(sum);
        }
        return totals;
    }

    private static String fmt(List<Double> v) {
        return v == null ? "-" : String.format("%.1f", best(v));
    }

    private static double best(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static void add(Map<String, List<Double>> m, String step, double s) {
        m.computeIfAbsent(step, k -> new ArrayList<>()).add(s);
        System.err.printf("  %-28s %.1f s%n", step, s);
    }

    private static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
