package org.resilient.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestEntry;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.testservers.PostgresServer;

/** Helpers for tests: settings for a test server, contexts, and a manifest of a dump directory. */
final class TestBackups {
    private static int counter;

    private TestBackups() {
    }

    static Settings settings(PostgresServer server, String... databases) {
        return Settings.of(Map.of(
                "postgres.host", server.host(),
                "postgres.port", Integer.toString(server.port()),
                "postgres.user", server.user(),
                "postgres.password", server.password(),
                "postgres.databases", String.join(",", databases),
                "postgres.jobs", "2",
                "postgres.sslmode", "disable"));
    }

    static synchronized BackupId nextId() {
        return BackupId.of(Instant.now(), "node0-" + (++counter));
    }

    static ExportContext exportContext(Path dir) {
        return exportContext(dir, Cancellation.never());
    }

    static ExportContext exportContext(Path dir, Cancellation cancellation) {
        return ExportContext.builder().directory(dir).backupId(nextId()).epoch(Epoch.INITIAL)
                .cancellation(cancellation).loggerName("test.export").build();
    }

    static ImportContext importContext(Path dir) {
        return importContext(dir, Cancellation.never());
    }

    static ImportContext importContext(Path dir, Cancellation cancellation) {
        return ImportContext.builder().directory(dir).manifest(manifestOf(dir)).cancellation(cancellation)
                .loggerName("test.import").build();
    }

    static RoleChangeContext promoteContext(Path dir) {
        return RoleChangeContext.builder().directory(dir).epoch(new Epoch(1)).loggerName("test.promote").build();
    }

    /** The manifest a node would write for this data directory. */
    static Manifest manifestOf(Path dir) {
        List<ManifestEntry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(dir)) {
                    continue;
                }
                String rel = dir.relativize(p).toString();
                Instant mtime = Files.getLastModifiedTime(p).toInstant();
                if (Files.isDirectory(p)) {
                    entries.add(ManifestEntry.directory(rel, 0755, mtime));
                } else {
                    entries.add(ManifestEntry.file(rel, Files.size(p), 0644, mtime, sha256(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifest(nextId(), "postgres", "node0", Epoch.INITIAL, Instant.now(), entries);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
            MessageDigest md = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(md.digest());
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
