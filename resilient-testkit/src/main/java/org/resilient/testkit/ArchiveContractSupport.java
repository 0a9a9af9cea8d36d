package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Damage;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.RestoreOptions;
import org.resilient.api.spi.Archive;

/**
 * What the groups of the {@link ArchiveContract} share: the archive under test, opened in a fresh directory for
 * each test, sample backups to store, and the checks of a restore. Extend {@link ArchiveContract}, not this.
 */
@org.junit.jupiter.api.extension.ExtendWith({KnownIssue.Condition.class, Requires.Condition.class})
// A hanging implementation fails its test instead of hanging the build.
@org.junit.jupiter.api.Timeout(120)
public abstract class ArchiveContractSupport implements Requires.Declarations {
    /** The archive's directory (or name, for archives not on disk). */
    protected Path archiveDir;
    /** The kit's scratch directory, for sample backups and restore targets. */
    protected Path local;
    /** The archive open for the running test. */
    protected Archive archive;
    /** Every archive opened for the running test, closed after it. */
    protected final List<Archive> opened = new ArrayList<>();
    /** The sample backups made by the running test. */
    protected final List<BackupDir> samples = new ArrayList<>();

    /**
     * Opens the archive under test.
     *
     * @param dir where it lives (a directory in the test's temporary directory, not created yet)
     * @param create whether to create it if missing
     * @return the open archive
     */
    protected abstract Archive openArchive(Path dir, boolean create);

    /**
     * Damages the stored data of a generation on disk (e.g. flips bytes in one of its pack files), for the
     * tests that check that verify and restore notice. The default does nothing and returns false, which
     * skips those tests.
     *
     * @param dir the archive's directory
     * @param generation the generation whose data to damage
     * @return true if something was damaged
     */
    protected boolean damage(Path dir, Generation generation) {
        return false;
    }

    /**
     * Leaves the lock of a writer that crashed (a process that is gone) in the archive, for the test that
     * checks that the next writer takes it over. The default does nothing and returns false, which skips it.
     *
     * @param dir the archive's directory
     * @return true if a stale lock was left
     */
    protected boolean leaveStaleLock(Path dir) {
        return false;
    }

    /**
     * What this archive's test can do beyond the minimum ({@link ArchiveFeature}). By default: {@code ON_DISK},
     * {@code DAMAGE} if {@link #damage(Path, Generation)} is overridden and {@code STALE_LOCK} if
     * {@link #leaveStaleLock(Path)} is; override to declare otherwise (e.g. without {@code ON_DISK}).
     *
     * @return the features
     */
    protected Set<ArchiveFeature> features() {
        Set<ArchiveFeature> out = java.util.EnumSet.of(ArchiveFeature.ON_DISK);
        if (overrides("damage", Path.class, Generation.class)) {
            out.add(ArchiveFeature.DAMAGE);
        }
        if (overrides("leaveStaleLock", Path.class)) {
            out.add(ArchiveFeature.STALE_LOCK);
        }
        return out;
    }

    private boolean overrides(String method, Class<?>... parameters) {
        for (Class<?> c = getClass(); c != ArchiveContractSupport.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method) && java.util.Arrays.equals(m.getParameterTypes(), parameters)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String implementationName() {
        return "the archive of " + getClass().getSimpleName();
    }

    @Override
    public Set<ArchiveFeature> declaredArchiveFeatures() {
        return features();
    }

    @BeforeEach
    void openForTest(@TempDir Path tempDir) throws IOException {
        archiveDir = tempDir.resolve("archive");
        local = Files.createDirectories(tempDir.resolve("local"));
        archive = open(true);
    }

    @AfterEach
    void closeAfterTest() {
        opened.forEach(Archive::close);
        TestBackups.makeWritable(local);
    }

    /**
     * Opens the archive again, closed after the test.
     *
     * @param create whether to create it
     * @return the archive
     */
    protected Archive open(boolean create) {
        Archive a = openArchive(archiveDir, create);
        opened.add(a);
        return a;
    }

    /**
     * Makes sample backup {@code n} (tree variant {@code n}) and stores it.
     *
     * @param n the sample number, also giving its time
     * @return the generation
     */
    protected Generation store(int n) {
        BackupDir b = TestBackups.sealedBackup(local.resolve("backup-" + n), TestBackups.id(n), n);
        samples.add(b);
        return archive.store(TestBackups.storeRequest(b, n), TestBackups.context(b.directory()));
    }

    /**
     * The sample backup stored by {@link #store(int)} {@code n}.
     *
     * @param n the sample number
     * @return its directory
     */
    protected Path sample(int n) {
        return local.resolve("backup-" + n);
    }

    /**
     * Restores a generation into a new directory and checks it equals sample {@code n}.
     *
     * @param g the generation
     * @param n the sample it must equal
     * @return the restored directory
     */
    protected Path restoreAndCompare(Generation g, int n) {
        Path target = local.resolve("restored-" + g.id());
        List<Damage> damages = archive.restore(g.id(), target, RestoreOptions.DEFAULT, ctx());
        assertEquals(List.of(), damages, "a clean restore reported damage");
        TestBackups.verify(target);
        assertSameTree(sample(n), target);
        return target;
    }

    /**
     * A plain operation context on the kit's scratch directory.
     *
     * @return the context
     */
    protected OperationContext ctx() {
        return TestBackups.context(local);
    }

    /**
     * Asserts two trees are equal entry by entry.
     *
     * @param expected the stored tree
     * @param actual the restored tree
     */
    protected static void assertSameTree(Path expected, Path actual) {
        TestBackups.assertSameTree(expected, actual,
                "the restored tree differs from the stored one (content, mode, time, link or empty directory)");
    }

    /**
     * The size of a file.
     *
     * @param p the file
     * @return its size
     */
    protected static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
