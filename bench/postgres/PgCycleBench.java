import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import org.resilient.api.BackupId;
import org.resilient.api.NodeRole;
import org.resilient.core.ClusterPlan;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.core.StepOutcome;
import org.resilient.process.ProcessRunner;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.testservers.PostgresServer;

/**
 * Benchmark of issue 18: a pgbench database (scale from the first argument) moved between two throwaway PostgreSQL
 * servers, (a) by hand with the raw tools ({@code pg_dump -Fd -j2} + {@code pg_restore -j2} into a fresh
 * database, at their defaults and with {@code -Z0}), and (b) by three real {@code resilient} nodes in this process
 * ({@code Resilient.replicate("pg", 2)}: the leader {@code pg0}, the pull-backup node {@code pg1-pbs} with the
 * {@code dir} archive, the standby {@code pg1}), each doing what a deployed node does: the leader exports, seals and
 * announces ({@code exportNow}), the pull-backup node pulls, verifies, then archives while it pushes ({@code poll}),
 * the standby verifies and imports ({@code poll}). The node code is the one under test, not a re-enactment.
 *
 * <p>Rounds alternate which side runs first; every timed side starts after a CHECKPOINT of both servers and a
 * sync. Between rounds pgbench writes, so later rounds are incremental backups. Every round's standby is checked
 * equal to the source (an order-independent hash of every row of the four pgbench tables). Prints the medians,
 * every round's totals and the machine's load.
 */
public class PgCycleBench {
    private static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers",
            "pgbench_history");
    private static final String DUMP = "dump (raw: pg_dump; nodes: the leader's export, dump + seal)";
    private static final String PULL_BACKUP = "pull-backup (nodes: pull + verify, push, archive from the push's end)";
    private static final String RESTORE = "restore (raw: pg_restore; nodes: the standby's verify + restore + checks + swap)";
    private static final String CYCLE = "cycle: export start to import end (nodes: the standby imports while the archive stores)";
    private static final String CLEAN_UP = "(nodes: drop of the replaced copy, after the import, not counted)";

    public static void main(String[] args) throws Exception {
        int scale = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("resilient-pgbench-");
        List<String> loads = new ArrayList<>();
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
            Map<String, List<Double>> node = new LinkedHashMap<>();
            ClusterPlan plan = plan(work.resolve("nodes"), source, target);
            try (ResilientNode leader = plan.open("pg0"); ResilientNode pbs = plan.open("pg1-pbs");
                 ResilientNode standby = plan.open("pg1")) {
                for (int r = 0; r < rounds; r++) {
                    if (r > 0) {
                        // writes between rounds: later rounds are realistic incremental backups for the archive
                        tool(bin, "pgbench", source, pgpass, "-c", "2", "-t", "500", "-n", "bench");
                    }
                    loads.add(load());
                    // alternate the order, so that neither side always runs on a warmer or busier machine
                    if (r % 2 == 0) {
                        rawRun(bin, source, target, pgpass, work, raw, List.of());
                        rawRun(bin, source, target, pgpass, work, rawZ0, List.of("-Z", "0"));
                        nodeRun(leader, pbs, standby, source, target, node);
                    } else {
                        nodeRun(leader, pbs, standby, source, target, node);
                        rawRun(bin, source, target, pgpass, work, rawZ0, List.of("-Z", "0"));
                        rawRun(bin, source, target, pgpass, work, raw, List.of());
                    }
                    checkEqual(source, target, r + 1);
                }
                loads.add(load());
            }
            new Table(scale, rounds, raw, rawZ0, node, loads).print();
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    /** The cluster: postgres on the leader and the standby, the deduplicating {@code dir} archive on the pbs. */
    private static ClusterPlan plan(Path dir, PostgresServer source, PostgresServer target) {
        ClusterPlan.Builder b = Resilient.replicate("pg", 2).directory(dir).component("postgres");
        connection(source).forEach((k, v) -> b.set(NodeRole.EXPORT, k, v));
        connection(target).forEach((k, v) -> b.set(NodeRole.IMPORT, k, v));
        return b.plan();
    }

    private static Map<String, String> connection(PostgresServer s) {
        return Map.of("postgres.host", s.host(), "postgres.port", Integer.toString(s.port()),
                "postgres.user", s.user(), "postgres.password", s.password(), "postgres.databases", "bench",
                "postgres.jobs", "2", "postgres.sslmode", "disable");
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
        add(times, DUMP, secs(t));
        t = System.nanoTime();
        tool(bin, "pg_restore", target, pgpass, "-j", "2", "-d", "bench_raw", dump.toString());
        add(times, RESTORE, secs(t));
        String rows = target.psql("bench_raw", "SELECT count(*) FROM pgbench_accounts").get(0);
        if (!rows.equals(source.psql("bench", "SELECT count(*) FROM pgbench_accounts").get(0))) {
            throw new IllegalStateException("the raw restore lost rows: " + rows);
        }
        target.dropDatabase("bench_raw");
        AtomicFiles.deleteTree(dump);
    }

    /**
     * One cycle through the nodes, each step as the node runs it. As in a deployment, the standby imports as soon as
     * the pull-backup node delivered (pushed and told it), while the pull-backup node may still be storing into its
     * archive: the pull-backup node's poll runs on another thread, and the standby polls its inbox every 20 ms. The
     * cycle's time is the wall time from the export's start to the import's end; the node's own step records split
     * the pull-backup call into pull (+ verify), archive and push.
     */
    private static void nodeRun(ResilientNode leader, ResilientNode pbs, ResilientNode standby,
                                PostgresServer source, PostgresServer target, Map<String, List<Double>> times)
            throws Exception {
        settle(source, target);
        long start = System.nanoTime();
        leader.exportNow();
        add(times, DUMP, secs(start));
        long t = System.nanoTime();
        long[] pullEnd = {0};
        FutureTask<Optional<BackupId>> pulling = new FutureTask<>(() -> {
            try {
                return pbs.poll();
            } finally {
                pullEnd[0] = System.nanoTime();
            }
        });
        new Thread(pulling, "bench-pull-backup").start();
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        Optional<BackupId> imported = Optional.empty();
        long importStart = 0;
        while (imported.isEmpty()) {
            if (System.nanoTime() > deadline || pulling.isDone() && pulling.get().isEmpty()) {
                throw new IllegalStateException("the standby got no delivered backup (the pull-backup node found none?)");
            }
            importStart = System.nanoTime();
            imported = standby.poll();
            if (imported.isEmpty()) {
                Thread.sleep(20);
            }
        }
        double cycle = secs(start);
        double importing = secs(importStart);
        if (pulling.get().isEmpty()) {
            throw new IllegalStateException("the pull-backup node found no announced backup");
        }
        add(times, PULL_BACKUP, (pullEnd[0] - t) / 1e9); // ended by now: get() waited for it
        for (String step : List.of("pull", "archive", "push")) {
            add(times, "  (of which " + step + ")", took(pbs, step));
        }
        add(times, RESTORE, importing);
        add(times, CYCLE, cycle);
        t = System.nanoTime();
        awaitCleanUp(target);
        add(times, CLEAN_UP, secs(t));
    }

    private static double took(ResilientNode n, String step) {
        StepOutcome o = n.status().lastRun(step).orElseThrow(() -> new IllegalStateException(n.name() + " has no " + step));
        if (!o.ok()) {
            throw new IllegalStateException(n.name() + ": " + step + " failed: " + o.message());
        }
        return o.took().toMillis() / 1000.0;
    }

    /** Waits (with a deadline) until the import's background clean-up dropped the replaced databases. */
    private static void awaitCleanUp(PostgresServer target) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!"0".equals(target.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE '%\\_\\_resilient\\_%'").get(0))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the replaced databases were not dropped within 10 minutes");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every row of every pgbench table, hashed order-independently, equal on both servers. */
    private static void checkEqual(PostgresServer source, PostgresServer target, int round) {
        for (String table : TABLES) {
            String sql = "SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM " + table + " t";
            String want = source.psql("bench", sql).get(0);
            String got = target.psql("bench", sql).get(0);
            if (!want.equals(got)) {
                throw new IllegalStateException("round " + round + ": the standby's " + table + " differs from the source's: "
                        + got + " vs " + want);
            }
        }
        System.err.printf("  round %d: the standby equals the source (%s)%n", round, String.join(", ", TABLES));
    }

    /**
     * Starts each timed side from the same state: dirty pages of both servers written (CHECKPOINT) and the
     * kernel's dirty pages flushed (sync), whatever ran before.
     */
    private static void settle(PostgresServer source, PostgresServer target) {
        source.psql("postgres", "CHECKPOINT");
        target.psql("postgres", "CHECKPOINT");
        ProcessRunner.command("sync").run();
    }

    private static String load() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static void tool(Path bin, String name, PostgresServer server, Path pgpass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve(name).toString()));
        cmd.addAll(List.of(args));
        ProcessRunner.command(cmd).environment("PGHOST", server.host())
                .environment("PGPORT", Integer.toString(server.port())).environment("PGUSER", server.user())
                .environment("PGPASSFILE", pgpass.toString()).environment("PGSSLMODE", "disable")
                .timeout(Duration.ofHours(1)).run();
    }

    private static void add(Map<String, List<Double>> m, String step, double s) {
        m.computeIfAbsent(step, k -> new ArrayList<>()).add(s);
        System.err.printf("  %-58s %.1f s%n", step, s);
    }

    private static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The result table: medians per step, round totals, the ratio and the load. */
    private record Table(int scale, int rounds, Map<String, List<Double>> raw, Map<String, List<Double>> rawZ0,
                         Map<String, List<Double>> node, List<String> loads) {
        void print() {
            List<Double> rawTotals = totals(raw);
            List<Double> z0Totals = totals(rawZ0);
            List<Double> nodeTotals = totals(node);
            System.out.printf("%npgbench scale %d, %d alternating rounds; seconds, median of the rounds; load (1 min) "
                    + "at each round's start and at the end: %s on %d cores%n%n", scale, rounds, loads,
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| step | raw pg_dump -Fd -j2 + pg_restore -j2 | raw with -Z0 | resilient nodes |");
            System.out.println("|---|---:|---:|---:|");
            for (String step : node.keySet()) {
                System.out.printf("| %s | %s | %s | %.1f |%n", step, fmt(raw.get(step)), fmt(rawZ0.get(step)),
                        median(node.get(step)));
            }
            System.out.printf("| **total** (median of the round totals) | **%.1f** | **%.1f** | **%.1f** |%n",
                    median(rawTotals), median(z0Totals), median(nodeTotals));
            System.out.printf("%nround totals: raw %s, raw -Z0 %s, nodes %s%n", list(rawTotals), list(z0Totals),
                    list(nodeTotals));
            System.out.printf("median nodes / median raw = %.2f (target <= 1.10); against raw -Z0 %.2f%n",
                    median(nodeTotals) / median(rawTotals), median(nodeTotals) / median(z0Totals));
        }

        /**
         * A round's total: the nodes' cycle (wall time: their steps overlap), or the sum of the raw steps (the parts
         * in brackets are inside them or after the cycle).
         */
        private List<Double> totals(Map<String, List<Double>> m) {
            if (m.containsKey(CYCLE)) {
                return m.get(CYCLE);
            }
            List<Double> totals = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                double sum = 0;
                for (Map.Entry<String, List<Double>> e : m.entrySet()) {
                    if (!e.getKey().startsWith(" ") && !e.getKey().startsWith("(")) {
                        sum += e.getValue().get(i);
                    }
                }
                totals.add(sum);
            }
            return totals;
        }

        private static String fmt(List<Double> v) {
            return v == null ? "-" : String.format("%.1f", median(v));
        }

        private static String list(List<Double> v) {
            return v.stream().map(d -> String.format("%.1f", d)).toList().toString();
        }

        private static double median(List<Double> v) {
            List<Double> s = v.stream().sorted().toList();
            int n = s.size();
            return n == 0 ? 0 : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }
    }
}
