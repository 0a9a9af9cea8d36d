import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.KnownDigests;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.mysql.MysqlComponentProvider;

/**
 * The full cycle of the mysql component, timed phase by phase, as the three roles do it: export
 * (MysqlExporter, mydumper) into incoming/<id>/data and seal (MANIFEST + SIGNATURE: sha256 of every file);
 * the pull-backup node verifies (sha256 again) and stores the backup into the deduplicating `dir` archive
 * (resilient-archive, when on the class path; else a plain copy stands in and "archive=copy" is printed);
 * the push to the import node is a plain copy (same machine), which verifies it again and imports
 * (MysqlImporter, myloader into temporary databases + atomic swap). As PullBackup does, the archive store runs
 * concurrently with the push (and here also with the import node's verify and import: one machine plays both
 * roles); "archive_wait" is the time the cycle waits for the store after the import, "total" the wall time.
 *
 * Usage: java -cp CP MysqlBench.java WORKDIR SRC_SOCKET DST_SOCKET DATABASES THREADS ROWS_PER_FILE [ARCHIVE_DIR]
 * ARCHIVE_DIR (default WORKDIR/archive) is kept between runs, as a pull-backup node keeps its archive: the first
 * run stores into an empty archive, later runs store a new generation into an archive that holds the earlier ones.
 * Prints "phase seconds" lines; "replaced_dropped_after" is how long after the import the importer's background
 * drop of the replaced tables ended (not part of "total").
 */
public class MysqlBench {
    public static void main(String[] a) throws Exception {
        Path work = Path.of(a[0]);
        Settings src = Settings.of(Map.of("mysql.socket", a[1], "mysql.user", "root", "mysql.databases", a[3],
                "mysql.threads", a[4], "mysql.rows-per-file", a[5]));
        Settings dst = Settings.of(Map.of("mysql.socket", a[2], "mysql.user", "root", "mysql.databases", a[3],
                "mysql.threads", a[4]));
        MysqlComponentProvider p = new MysqlComponentProvider();
        BackupId id = BackupId.of(Instant.now(), "bench");
        Path staged = work.resolve("incoming").resolve(id.value());
        Path data = Files.createDirectories(staged.resolve("data"));
        long t0 = System.nanoTime();
        p.exporter(src).export(ExportContext.builder().directory(data).backupId(id).loggerName("bench.export").build());
        long t1 = System.nanoTime();
        BackupSealer.seal(staged, id, "mysql", "bench", Epoch.INITIAL, 0, Instant.now(), KnownDigests.NONE,
                ProgressListener.NONE, Cancellation.never());
        long t2 = System.nanoTime();
        SealedBackup pulled = BackupVerifier.verify(staged, ProgressListener.NONE, Cancellation.never());
        long t3 = System.nanoTime();
        // As PullBackup runs them: the archive store of the verified copy runs concurrently with the push of the
        // same copy to the import node; the import node (here the same machine) verifies again and imports.
        long[] storeTimes = new long[2];
        Throwable[] storeFailure = new Throwable[1];
        Thread archiver = new Thread(() -> {
            storeTimes[0] = System.nanoTime();
            try {
                System.out.println("archive=" + store(staged, id, pulled, work, a));
            } catch (Throwable e) {
                storeFailure[0] = e;
            }
            storeTimes[1] = System.nanoTime();
        }, "archive-store");
        archiver.start();
        Path stored = work.resolve("standby-incoming").resolve(id.value());
        copyTree(staged, stored);
        long t4 = System.nanoTime();
        SealedBackup verified = BackupVerifier.verify(stored, ProgressListener.NONE, Cancellation.never());
        long t5 = System.nanoTime();
        System.out.printf("dirty_mb_at_import %.0f%n", dirtyMb(a[2]));
        p.importer(dst).importBackup(ImportContext.builder().directory(stored.resolve("data"))
                .manifest(verified.readManifest()).loggerName("bench.import").build());
        long t6 = System.nanoTime();
        archiver.join();
        long t7 = System.nanoTime();
        // The importer drops the tables it replaced in the background after it returned: not part of the cycle,
        // but waited for here (this JVM ends next) and printed, so that the next step starts without it.
        double replacedDropped = awaitReplacedDropped(a[2]);
        if (storeFailure[0] != null) {
            throw new IllegalStateException("archive store failed", storeFailure[0]);
        }
        line("export", t1 - t0);
        line("seal_sha256", t2 - t1);
        line("verify_sha256", t3 - t2);
        line("archive_store", storeTimes[1] - storeTimes[0]);
        line("push_copy", t4 - t3);
        line("verify_again", t5 - t4);
        line("import", t6 - t5);
        line("archive_wait", t7 - t6);
        line("total", t7 - t0);
        System.out.printf("replaced_dropped_after %.2f%n", replacedDropped);
    }

    /** Seconds until the standby holds no {@code <db>__rold} database (the importer's background drop). */
    private static double awaitReplacedDropped(String socket) throws Exception {
        long start = System.nanoTime();
        try (var c = java.sql.DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + socket + "&user=root")) {
            while (System.nanoTime() - start < 600_000_000_000L) {
                try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA"
                        + " WHERE SCHEMA_NAME LIKE '%\\_\\_rold'")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the replaced databases were not dropped within 10 minutes");
    }

    /**
     * Stores the verified backup in the `dir` archive (or a plain copy when resilient-archive is absent), with the
     * digests just verified, as PullBackup does.
     */
    private static String store(Path staged, BackupId id, SealedBackup pulled, Path work, String[] a) throws IOException {
        java.util.Optional<org.resilient.api.spi.ArchiveProvider> dir = java.util.ServiceLoader
                .load(org.resilient.api.spi.ArchiveProvider.class).stream().map(java.util.ServiceLoader.Provider::get)
                .filter(ap -> ap.scheme().equals("dir")).findFirst();
        if (dir.isPresent()) {
            Path archiveDir = a.length > 6 ? Path.of(a[6]) : work.resolve("archive");
            try (var archive = dir.get().open(archiveDir.toUri(), Settings.empty(), true)) {
                archive.store(new org.resilient.api.StoreRequest(staged, id, Instant.now(), "bench", Epoch.INITIAL,
                        pulled.manifestDigest()).withVerifiedDigests(pulled.fileDigests()),
                        org.resilient.api.OperationContext.builder(staged).build());
            }
            return "dir";
        }
        copyTree(staged, work.resolve("archive").resolve(id.value()));
        return "copy";
    }

    /** Dirty pages of the standby's buffer pool, in MB: what a load has to write back besides its own pages. */
    private static double dirtyMb(String socket) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + socket + "&user=root");
             var rs = c.createStatement().executeQuery("SELECT VARIABLE_VALUE * 16 / 1024 FROM information_schema.GLOBAL_STATUS"
                     + " WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static void line(String phase, long nanos) {
        System.out.printf("%s %.2f%n", phase, nanos / 1e9);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
