package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Capability;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.api.NodeLayout;

/**
 * What {@link ExporterContract} and {@link ImporterContract} share: one {@link ComponentFixture} per test,
 * and the steps of a cycle done the way the nodes do them (export into {@code incoming/<id>/data}, seal,
 * publish by rename, verify, import from the verified {@code data/}).
 */
@org.junit.jupiter.api.extension.ExtendWith({KnownIssue.Condition.class, Requires.Condition.class})
// A hanging implementation fails its test instead of hanging the build.
@org.junit.jupiter.api.Timeout(300)
public abstract class ComponentContractSupport implements Requires.Declarations {
    /** The node name written into the manifests of the kit's exports. */
    protected static final String NODE = "node0";

    // What each contract class's component declares, asked once per class (a fixture may be costly to make).
    private static final java.util.Map<Class<?>, ComponentProvider> DECLARED = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger backups = new AtomicInteger();
    /** The fixture of the running test. */
    protected ComponentFixture fixture;
    /** The kit's own scratch directory (the fixture gets a sibling). */
    protected Path kitDir;
    /** The export node's directory. */
    protected NodeLayout exportNode;

    /**
     * Creates the fixture of one test.
     *
     * @param tempDir an empty directory the fixture may use; removed after the test
     * @return the fixture
     */
    protected abstract ComponentFixture createFixture(Path tempDir);

    @BeforeEach
    void setUpFixture(@TempDir Path tempDir) throws IOException {
        kitDir = Files.createDirectories(tempDir.resolve("kit"));
        exportNode = new NodeLayout(kitDir.resolve("export-node")).create();
        fixture = createFixture(Files.createDirectories(tempDir.resolve("fixture")));
    }

    @AfterEach
    void tearDownFixture() {
        if (fixture != null) {
            fixture.close();
        }
        TestBackups.makeWritable(kitDir);
    }

    /**
     * The component under test.
     *
     * @return the fixture's provider
     */
    protected ComponentProvider provider() {
        return fixture.provider();
    }

    /**
     * The component under test, asked before any test's fixture exists to decide which tests apply
     * ({@link Requires}). By default one fixture is made in a scratch directory, asked for its provider and
     * closed, once per test class; override to return the provider directly when a fixture is costly.
     *
     * @return the provider
     */
    protected ComponentProvider componentUnderTest() {
        return DECLARED.computeIfAbsent(getClass(), c -> {
            Path scratch = null;
            try {
                scratch = Files.createTempDirectory("resilient-kit-");
                try (ComponentFixture f = createFixture(scratch)) {
                    return f.provider();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (scratch != null) {
                    TestBackups.makeWritable(scratch);
                    KitFiles.deleteTree(scratch);
                }
            }
        });
    }

    @Override
    public String implementationName() {
        return "component '" + componentUnderTest().name() + "' (" + componentUnderTest().getClass().getName() + ")";
    }

    @Override
    public java.util.Set<Capability> declaredCapabilities() {
        return componentUnderTest().capabilities();
    }

    /**
     * A new backup id, later than the ones made before in this test.
     *
     * @return the id
     */
    protected BackupId nextId() {
        return BackupId.of(Instant.now().plusMillis(backups.incrementAndGet()), NODE);
    }

    /**
     * The directory an export of {@code id} is staged in: {@code incoming/<id>}, whose {@code data/} the
     * exporter fills.
     *
     * @param id the backup id
     * @return the staging directory
     */
    protected Path staging(BackupId id) {
        return exportNode.incoming().resolve(id.value());
    }

    /**
     * Runs the exporter into {@code incoming/<id>/data} (created empty first).
     *
     * @param id the backup id
     * @param cancellation the cancellation signal for the export
     * @return the filled data directory
     */
    protected Path runExport(BackupId id, Cancellation cancellation) {
        Path data = NodeLayout.data(staging(id));
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Exporter exporter = provider().exporter(fixture.exportSettings())) {
            exporter.export(ExportContext.builder().directory(data).backupId(id).epoch(Epoch.INITIAL)
                    .cancellation(cancellation).loggerName("org.resilient.testkit.export").build());
        }
        return data;
    }

    /**
     * Exports, seals, publishes by rename and verifies, as an export node does.
     *
     * @return the published, verified backup
     */
    protected BackupDir exportBackup() {
        BackupId id = nextId();
        runExport(id, Cancellation.never());
        Path staged = staging(id);
        BackupSeal.seal(staged, id, provider().name(), NODE, Epoch.INITIAL, Instant.now());
        Path published = exportNode.backup(id);
        try {
            Files.move(staged, published, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestBackups.verify(published);
    }

    /**
     * An import context for a verified backup, as an import node makes it.
     *
     * @param backup the backup
     * @param cancellation the cancellation signal
     * @param progress the progress listener
     * @return the context
     */
    protected ImportContext importContext(BackupDir backup, Cancellation cancellation, ProgressListener progress) {
        return ImportContext.builder().directory(NodeLayout.data(backup.directory())).manifest(backup.manifest())
                .cancellation(cancellation).progress(progress).loggerName("org.resilient.testkit.import").build();
    }

    /**
     * Imports a backup into the standby.
     *
     * @param backup the verified backup
     */
    protected void importBackup(BackupDir backup) {
        importBackup(backup, Cancellation.never(), ProgressListener.NONE);
    }

    /**
     * Imports a backup into the standby with a given cancellation and progress listener.
     *
     * @param backup the verified backup
     * @param cancellation the cancellation signal
     * @param progress the progress listener
     */
    protected void importBackup(BackupDir backup, Cancellation cancellation, ProgressListener progress) {
        try (Importer importer = provider().importer(fixture.importSettings())) {
            importer.importBackup(importContext(backup, cancellation, progress));
        }
    }

    /**
     * Promotes the standby.
     *
     * @param epoch the new epoch
     */
    protected void promote(Epoch epoch) {
        try (Importer importer = provider().importer(fixture.importSettings())) {
            importer.promote(RoleChangeContext.builder().directory(kitDir).epoch(epoch)
                    .loggerName("org.resilient.testkit.promote").build());
        }
    }

    /**
     * Demotes the component's copy on the import node (the copy a promotion made live).
     *
     * @param epoch the epoch another node now leads in
     */
    protected void demote(Epoch epoch) {
        try (Importer importer = provider().importer(fixture.importSettings())) {
            importer.demote(RoleChangeContext.builder().directory(kitDir).epoch(epoch)
                    .loggerName("org.resilient.testkit.demote").build());
        }
    }

    /**
     * A signal that is already cancelled.
     *
     * @return the signal
     */
    protected static Cancellation cancelled() {
        Cancellation c = Cancellation.create();
        c.cancel();
        return c;
    }

    /**
     * Asserts that an action fails with a {@link ResilienceException} of a given code.
     *
     * @param code the expected code
     * @param action the action
     * @param what what the action is, for the failure message
     * @return the exception
     */
    protected static ResilienceException assertFailsWith(ErrorCode code, Executable action, String what) {
        ResilienceException e = assertThrows(ResilienceException.class, action, what + " must fail with a ResilienceException");
        assertEquals(code, e.code(), () -> what + " failed with the wrong code: " + e);
        return e;
    }
}
