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
        for (ManifestEntry e : TestBackups.entries(dir)) {
            Instant t = e.modified();
            s.append(e.type()).append('\t').append(e.path()).append('\t').append(e.size()).append('\t')
                    .append(Integer.toOctalString(e.mode())).append('\t').append(t).append('\t').append(e.sha256())
                    .append('\t').append(e.linkTarget()).append('\n');
        }
        return Sha256.of(s.toString().getBytes(StandardCharsets.UTF_8));
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
