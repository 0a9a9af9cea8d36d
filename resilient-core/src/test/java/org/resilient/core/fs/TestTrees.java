package org.resilient.core.fs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.KnownDigests;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.manifest.TreeScanner;
import org.resilient.api.NodeLayout;

/** Test trees with every kind of entry, tree fingerprints, sealed backups, and unwritable directories. */
public final class TestTrees {
    /** A fixed time in the past, so that kept times are told apart from "now". */
    public static final Instant PAST = Instant.parse("2021-03-04T05:06:07.123456789Z");

    private TestTrees() {
    }

    /**
     * Fills a directory with: nested files with various modes and old times, an empty directory, a read-only
     * directory with content, a relative link, an absolute link out of the tree, a dangling link, a link to a
     * directory, a file with spaces and a percent sign in its name, an empty file and a 256 KiB random file.
     *
     * @param root the directory (created if missing)
     * @return root
     * @throws IOException if writing fails
     */
    public static Path sample(Path root) throws IOException {
        Files.createDirectories(root.resolve("a/b/c"));
        write(root.resolve("a/one.txt"), "one\n", "rw-r--r--", PAST);
        write(root.resolve("a/b/two.txt"), "two two\n", "rw-------", PAST.plusSeconds(60));
        write(root.resolve("a/b/c/run.sh"), "#!/bin/sh\necho hi\n", "rwxr-x---", PAST.plusSeconds(120));
        write(root.resolve("name with spaces %20 ü.txt"), "odd name", "rw-rw-r--", PAST.plusSeconds(1));
        write(root.resolve("empty.bin"), "", "rw-r--r--", PAST.plusSeconds(2));
        byte[] big = new byte[256 * 1024];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.createDirectories(root.resolve("empty-dir"));
        Files.createDirectories(root.resolve("ro-dir"));
        write(root.resolve("ro-dir/inside.txt"), "inside", "r--r--r--", PAST.plusSeconds(3));
        Files.createSymbolicLink(root.resolve("a/link-to-one"), Path.of("one.txt"));
        Files.createSymbolicLink(root.resolve("abs-link"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("no/such/file"));
        Files.createSymbolicLink(root.resolve("dir-link"), Path.of("a/b"));
        Files.setPosixFilePermissions(root.resolve("ro-dir"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setLastModifiedTime(root.resolve("ro-dir"), FileTime.from(PAST.plusSeconds(4)));
        Files.setPosixFilePermissions(root.resolve("empty-dir"), PosixFilePermissions.fromString("rwx--x---"));
        Files.setLastModifiedTime(root.resolve("empty-dir"), FileTime.from(PAST.plusSeconds(5)));
        Files.setLastModifiedTime(root.resolve("a/b/c"), FileTime.from(PAST.plusSeconds(6)));
        Files.setLastModifiedTime(root.resolve("a/b"), FileTime.from(PAST.plusSeconds(7)));
        Files.setLastModifiedTime(root.resolve("a"), FileTime.from(PAST.plusSeconds(8)));
        return root;
    }

    /**
     * Writes a file with a mode and a time.
     *
     * @param f the file
     * @param text its content
     * @param mode e.g. {@code rw-r--r--}
     * @param time its modification time
     * @throws IOException if writing fails
     */
    public static void write(Path f, String text, String mode, Instant time) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        Files.setLastModifiedTime(f, FileTime.from(time));
    }

    /**
     * Every entry of a tree with type, path, mode, size, time, digest and link target, one per line (link
     * times are left out: not every platform can set them).
     *
     * @param root the tree
     * @return a text equal for two trees exactly when they are equal
     */
    public static String fingerprint(Path root) {
        List<ManifestEntry> entries = TreeScanner.scan(root, true, KnownDigests.NONE, ProgressListener.NONE, Cancellation.never());
        return entries.stream().map(e -> e.type() + " " + e.path() + " " + Integer.toOctalString(e.mode()) + " "
                + e.size() + " " + (e.type() == ManifestEntry.Type.SYMLINK ? "-" : e.modified().toString()) + " "
                + e.sha256() + " " + e.linkTarget()).collect(Collectors.joining("\n"));
    }

    /**
     * Makes a sealed backup directory (MANIFEST, SIGNATURE, data/) holding a sample tree.
     *
     * @param backupDir the backup directory to create
     * @param id the backup id
     * @return the sealed backup
     * @throws IOException if writing fails
     */
    public static SealedBackup sealedSample(Path backupDir, String id) throws IOException {
        sample(NodeLayout.data(backupDir));
        return seal(backupDir, id);
    }

    /**
     * Seals a backup directory whose data/ is filled.
     *
     * @param backupDir the directory
     * @param id the backup id
     * @return the sealed backup
     */
    public static SealedBackup seal(Path backupDir, String id) {
        return BackupSealer.seal(backupDir, new BackupId(id), "files", "node0", Epoch.INITIAL, 0, PAST,
                KnownDigests.NONE, ProgressListener.NONE, Cancellation.never());
    }

    /**
     * Exports into {@code backupDir/data} and seals the backup, as an export node does, then verifies it, as an
     * import node does before importing it.
     *
     * @param component the component
     * @param settings its export settings
     * @param backupDir the backup directory to create
     * @param id the backup id
     * @return the verified backup
     */
    public static SealedBackup export(ComponentProvider component, Settings settings, Path backupDir, String id) {
        Path data = NodeLayout.data(backupDir);
        try (Exporter exporter = component.exporter(settings)) {
            Files.createDirectories(data);
            exporter.export(ExportContext.builder().directory(data).backupId(new BackupId(id)).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        seal(backupDir, id);
        return BackupVerifier.verify(backupDir, ProgressListener.NONE, Cancellation.never());
    }

    /**
     * Imports a verified backup, as an import node does.
     *
     * @param importer the importer
     * @param backup the backup
     * @param cancellation the cancellation signal
     * @param progress the progress listener
     */
    public static void importInto(Importer importer, SealedBackup backup, Cancellation cancellation,
            ProgressListener progress) {
        importer.importBackup(ImportContext.builder().manifest(backup.readManifest())
                .directory(NodeLayout.data(backup.directory())).cancellation(cancellation).progress(progress).build());
    }

    /**
     * Makes a directory unwritable for this process, really: by permissions for ordinary users, by the
     * immutable attribute for root (which ignores permissions). Skips the test when neither works.
     *
     * @param dir the directory
     * @return a handle that makes it writable again
     * @throws Exception if a command fails to start
     */
    public static AutoCloseable unwritable(Path dir) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            int rc = new ProcessBuilder("chattr", "+i", dir.toString()).redirectErrorStream(true).start().waitFor();
            assumeTrue(rc == 0, "as root, an unwritable directory needs 'chattr +i', which failed here");
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        AutoCloseable undo = () -> {
            if (root) {
                new ProcessBuilder("chattr", "-i", dir.toString()).redirectErrorStream(true).start().waitFor();
            } else {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        };
        Path probe = dir.resolve(".probe");
        try {
            Files.createFile(probe);
            Files.delete(probe);
            undo.close();
            assumeTrue(false, "cannot make " + dir + " unwritable on this system");
        } catch (IOException expected) {
            // unwritable, as wanted
        }
        return undo;
    }

    /**
     * Whether a path exists, not following links.
     *
     * @param p the path
     * @return true if something is there
     */
    public static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
