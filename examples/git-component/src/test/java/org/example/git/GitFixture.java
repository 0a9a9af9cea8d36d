package org.example.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.resilient.api.Cancellation;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.process.ProcessRunner;
import org.resilient.testkit.ComponentFixture;

/**
 * The kit's view of the {@code git} component: a live bare repository that a work clone pushes to (branches, a tag,
 * a binary file), and a standby beside it, fingerprinted by its refs (git names every object by its content, so
 * equal refs and HEAD mean equal content).
 */
final class GitFixture implements ComponentFixture {
    private static final Git GIT = new Git("git");
    private final Path work;
    private final Path live;
    private final Path standby;

    GitFixture(Path dir) {
        this.work = dir.resolve("work");
        this.live = dir.resolve("live.git");
        this.standby = dir.resolve("standby.git");
    }

    @Override
    public ComponentProvider provider() {
        return new GitComponentProvider();
    }

    @Override
    public Settings exportSettings() {
        return Settings.empty().with("git.repository", live.toString());
    }

    @Override
    public Settings importSettings() {
        return Settings.empty().with("git.repository", standby.toString());
    }

    @Override
    public void seed() {
        seed(live, work);
    }

    /** Makes {@code bare}, a bare repository on branch main, and pushes a first history to it from {@code work}. */
    static void seed(Path bare, Path work) {
        try {
            Files.createDirectories(bare);
            Files.createDirectories(work);
            git(bare, "init", "--quiet", "--bare", "--initial-branch=main");
            git(work, "init", "--quiet", "--initial-branch=main");
            for (Path repo : new Path[] {bare, work}) {
                // Large test data is random: storing it uncompressed and never searching big blobs for deltas keeps
                // the large-data tests at seconds, not minutes (git's defaults would deflate 64 MiB twice).
                git(repo, "config", "core.compression", "0");
                git(repo, "config", "core.bigFileThreshold", "1m");
            }
            Files.writeString(work.resolve("README"), "a repository kept resilient\n");
            Files.write(work.resolve("logo.bin"), new byte[] {0, 1, 2, (byte) 0xff, 10, 13});
            commit(work, "first");
            git(work, "branch", "feature");
            git(work, "tag", "v1");
            git(work, "push", "--quiet", bare.toString(), "--all");
            git(work, "push", "--quiet", bare.toString(), "--tags");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Large data: random files that the shell writes (never in this heap), committed and pushed. */
    @Override
    public boolean seedLarge(long bytes) {
        seed();
        for (int i = 0; i < 4; i++) {
            sh(work, "head -c " + bytes / 4 + " /dev/urandom > large-" + i + ".bin");
        }
        commit(work, "large");
        git(work, "push", "--quiet", live.toString(), "main");
        return true;
    }

    @Override
    public void change(int round) {
        try {
            Files.writeString(work.resolve("README"), "changed in round " + round + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        commit(work, "round " + round);
        git(work, "tag", "round-" + round);
        git(work, "push", "--quiet", live.toString(), "main", "round-" + round);
        if (round == 2) {
            git(work, "push", "--quiet", live.toString(), ":feature"); // a deleted branch must vanish from the standby
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

    @Override
    public boolean standbyWritable() {
        return writable(standby);
    }

    /** Whether a client can push to the repository: it pushes a probe branch, and deletes it again. */
    static boolean writable(Path repo) {
        try {
            git(repo, "push", "--quiet", ".", "HEAD:refs/heads/resilient-probe");
        } catch (ResilienceException e) {
            if (e.getMessage().contains("pre-receive hook declined")) {
                return false;
            }
            throw e;
        }
        git(repo, "push", "--quiet", ".", ":refs/heads/resilient-probe");
        return true;
    }

    /** Every ref with its object, and the branch HEAD names; "no repository" when there is none. */
    static String fingerprint(Path repo) {
        if (!Files.isRegularFile(repo.resolve("HEAD"))) {
            return "no repository";
        }
        return git(repo, "for-each-ref", "--format=%(refname) %(objectname)") + "\nHEAD " + git(repo, "symbolic-ref", "HEAD");
    }

    static void commit(Path work, String message) {
        git(work, "add", "--all");
        git(work, "-c", "user.name=Fixture", "-c", "user.email=fixture@example.org", "commit", "--quiet", "-m", message);
    }

    static String git(Path dir, String... args) {
        return GIT.run(dir, Cancellation.never(), "fixture: git " + String.join(" ", args), args);
    }

    private static void sh(Path dir, String command) {
        ProcessRunner.command("sh", "-c", command).directory(dir).run();
    }

    @Override
    public void close() {
        // The kit removes the fixture's directory.
    }
}
