package org.resilient.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import org.resilient.api.ManifestEntry;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.core.files.FilesComponentProvider;
import org.resilient.support.fs.PosixModes;
import org.resilient.support.hash.Sha256;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.TestBackups;

/**
 * The {@code files} component on a live directory and a standby directory in the test's temporary directory.
 * The fingerprint covers every entry with content, mode, modification time and link target.
 */
final class FilesComponentFixture implements ComponentFixture {
    private final Path live;
    private final Path standby;

    FilesComponentFixture(Path tempDir) {
        this.live = tempDir.resolve("live");
        this.standby = tempDir.resolve("standby");
        OrdinaryProcess.letOthersThrough(tempDir);
    }

    @Override
    public ComponentProvider provider() {
        return new FilesComponentProvider();
    }

    @Override
    public Settings exportSettings() {
        return Settings.empty().with("files.source", live.toString());
    }

    @Override
    public Settings importSettings() {
        return Settings.empty().with("files.target", standby.toString());
    }

    @Override
    public void seed() {
        TestBackups.sampleTree(live, 0);
    }

    @Override
    public void change(int round) {
        try {
            Files.writeString(live.resolve("docs/readme.txt"), "changed in round " + round + "\n", StandardCharsets.UTF_8);
            Files.writeString(live.resolve("new-" + round + ".txt"), "new in round " + round);
            Files.createDirectories(live.resolve("empty/new-empty-" + round));
            Files.deleteIfExists(live.resolve("deep/er/est/changing.bin"));
            Files.setPosixFilePermissions(live.resolve("run.sh"), PosixModes.permissions(round % 2 == 0 ? 0755 : 0700));
            // A file changed under an old mtime: the prior art's signature update missed exactly this.
            Path key = live.resolve("docs/secret.key");
            var time = Files.getLastModifiedTime(key);
            byte[] b = Files.readAllBytes(key);
            b[0] ^= (byte) round;
            Files.write(key, b);
            Files.setLastModifiedTime(key, time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String liveFingerprint() {
        return fingerprint(live);
    }

    @Override
    public String standbyFingerprint() {
        return fingerprint(standby);
    }

    private static String fingerprint(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return "absent";
        }
        StringBuilder s = new StringBuilder();
        for (ManifestEntry e : entriesThroughFence(dir)) {
            Instant t = e.modified();
            s.append(e.type()).append('\t').append(e.path()).append('\t').append(e.size()).append('\t')
                    .append(Integer.toOctalString(e.mode())).append('\t').append(t).append('\t').append(e.sha256())
                    .append('\t').append(e.linkTarget()).append('\n');
        }
        return Sha256.of(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether an ordinary process owning the standby directory can create and remove an entry in it (as root,
     * the process runs as {@code nobody}; see {@link OrdinaryProcess}). Only the top level is probed: the files
     * below, with their modes and times, are the data and must not change.
     */
    @Override
    public boolean standbyWritable() {
        if (!Files.isDirectory(standby)) {
            return false;
        }
        return OrdinaryProcess.run(standby, "mkdir \"$1/.write-probe\" && rmdir \"$1/.write-probe\"");
    }

    /**
     * The entries of a tree, read as an administrator would also when it is fenced (mode 0000, which stops its
     * owner, unlike root, from listing it): the directory's mode is lifted for the scan and put back.
     */
    private static java.util.List<ManifestEntry> entriesThroughFence(Path dir) {
        try {
            var mode = Files.getPosixFilePermissions(dir);
            if (mode.containsAll(PosixModes.permissions(0500))) {
                return TestBackups.entries(dir);
            }
            Files.setPosixFilePermissions(dir, PosixModes.permissions(0700));
            try {
                return TestBackups.entries(dir);
            } finally {
                Files.setPosixFilePermissions(dir, mode);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain file tree has no structure to check: the node verifies it against the manifest instead. */
    @Override
    public boolean detectsDamagedInput() {
        return false;
    }

    @Override
    public void close() {
        TestBackups.makeWritable(live);
        TestBackups.makeWritable(standby);
    }
}
