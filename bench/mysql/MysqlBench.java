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
 * The full cycle of the mysql component, timed phase by phase: export (MysqlExporter, mydumper) into
 * incoming/<id>/data, seal (MANIFEST + SIGNATURE: sha256 of every file), verify (sha256 again), store into an
 * archive (stand-in: a plain recursive copy, since no archive implementation was on main), verify the
 * copy again as an import node does, import (MysqlImporter, myloader into temporary databases + swap).
 *
 * Usage: java -cp CP MysqlBench.java WORKDIR SRC_SOCKET DST_SOCKET DATABASES THREADS ROWS_PER_FILE
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
        BackupVerifier.verify(staged, ProgressListener.NONE, Cancellation.never());
        long t3 = System.nanoTime();
        Path stored = work.resolve("archive").resolve(id.value());
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
        line("store_copy", t4 - t3);
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
