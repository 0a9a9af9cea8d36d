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
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.mysql.MysqlComponentProvider;

/**
 * The full cycle of the mysql component, timed phase by phase, as the three roles do it: export
 * (MysqlExporter, mydumper) into incoming/<id>/data and seal (MANIFEST + SIGNATURE: sha256 of every file);
 * the pull-backup node verifies (sha256 again) and stores the backup into the deduplicating `dir` archive
 * (resilient-archive, when on the class path; else a plain copy stands in and "archive=copy" is printed);
 * the push to the import node is a plain copy (same machine), which verifies it again and imports
 * (MysqlImporter, myloader into temporary databases + atomic swap).
 *
 * Usage: java -cp CP MysqlBench.java WORKDIR SRC_SOCKET DST_SOCKET DATABASES THREADS ROWS_PER_FILE [ARCHIVE_DIR]
 * ARCHIVE_DIR (default WORKDIR/archive) is kept between runs, as a pull-backup node keeps its archive: the first
 * run stores into an empty archive, later runs store a new generation into an archive that holds the earlier ones.
 * Prints "phase seconds" lines.
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
        BackupSealer.seal(staged, id, "mysql", "bench", Epoch.INITIAL, Instant.now(), ProgressListener.NONE, Cancellation.never());
        long t2 = System.nanoTime();
        SealedBackup pulled = BackupVerifier.verify(staged, ProgressListener.NONE, Cancellation.never());
        long t3 = System.nanoTime();
        java.util.Optional<org.resilient.api.spi.ArchiveProvider> dir = java.util.ServiceLoader
                .load(org.resilient.api.spi.ArchiveProvider.class).stream().map(java.util.ServiceLoader.Provider::get)
                .filter(ap -> ap.scheme().equals("dir")).findFirst();
        if (dir.isPresent()) {
            Path archiveDir = a.length > 6 ? Path.of(a[6]) : work.resolve("archive");
            try (var archive = dir.get().open(archiveDir.toUri(), Settings.empty(), true)) {
                archive.store(new org.resilient.api.StoreRequest(staged, id, Instant.now(), "bench", Epoch.INITIAL,
                        pulled.manifestDigest()), org.resilient.api.OperationContext.builder(staged).build());
            }
            System.out.println("archive=dir");
        } else {
            copyTree(staged, work.resolve("archive").resolve(id.value()));
            System.out.println("archive=copy");
        }
        long t3b = System.nanoTime();
        Path stored = work.resolve("standby-incoming").resolve(id.value());
        copyTree(staged, stored);
        long t4 = System.nanoTime();
        SealedBackup verified = BackupVerifier.verify(stored, ProgressListener.NONE, Cancellation.never());
        long t5 = System.nanoTime();
        p.importer(dst).importBackup(ImportContext.builder().directory(stored.resolve("data"))
                .manifest(verified.manifest()).loggerName("bench.import").build());
        long t6 = System.nanoTime();
        line("export", t1 - t0);
        line("seal_sha256", t2 - t1);
        line("verify_sha256", t3 - t2);
        line("archive_store", t3b - t3);
        line("push_copy", t4 - t3b);
        line("verify_again", t5 - t4);
        line("import", t6 - t5);
        line("total", t6 - t0);
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
