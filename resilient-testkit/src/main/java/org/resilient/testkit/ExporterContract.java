package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.SettingSpec;
import org.resilient.api.spi.ComponentProvider;

/**
 * The contract of a component's {@link org.resilient.api.spi.Exporter} (and of the round trip through its
 * importer). A component's whole test is:
 * <pre>
 * class MyExporterTest extends ExporterContract {
 *     protected ComponentFixture createFixture(Path tempDir) { return new MyFixture(tempDir); }
 * }
 * </pre>
 * Tests that need a {@link org.resilient.api.Capability} the component does not declare are skipped,
 * saying which.
 */
@DisplayName("Exporter contract")
public abstract class ExporterContract extends ComponentContractSupport {

    /** What the provider declares. */
    @Nested
    @DisplayName("The provider")
    class ProviderDeclarations {
        @Test
        @DisplayName("has a lowercase name, a description and settings prefixed with its name")
        void declaresItself() {
            String name = provider().name();
            assertTrue(name != null && name.matches("[a-z][a-z0-9-]*"), () -> "name must be lowercase: " + name);
            assertTrue(provider().description() != null && !provider().description().isBlank(), "description is blank");
            assertNotNull(provider().capabilities(), "capabilities() must not be null");
            for (SettingSpec s : provider().settings()) {
                assertEquals(name, s.prefix(), () -> "setting " + s.key() + " must be prefixed '" + name + ".'");
            }
        }

        @Test
        @DisplayName("is found by the registry under its name")
        void isRegistered() {
            String name = provider().name();
            java.util.List<Class<?>> found = new java.util.ArrayList<>();
            String hint = "list " + provider().getClass().getName() + " in src/main/resources/META-INF/services/"
                    + ComponentProvider.class.getName();
            try {
                for (ComponentProvider p : java.util.ServiceLoader.load(ComponentProvider.class,
                        provider().getClass().getClassLoader())) {
                    if (name.equals(p.name())) {
                        found.add(p.getClass());
                    }
                }
            } catch (java.util.ServiceConfigurationError e) {
                throw new AssertionError("a META-INF/services/" + ComponentProvider.class.getName()
                        + " file on the class path is broken (" + e.getMessage() + "); " + hint, e);
            }
            assertEquals(java.util.List.of(provider().getClass()), found, () -> "component '" + name + "' is not found"
                    + " by ServiceLoader exactly once as " + provider().getClass().getName() + " (found " + found
                    + "): " + hint);
        }
    }

    /** One export, on its own. */
    @Nested
    @DisplayName("An export")
    class OneExport {
        @Test
        @DisplayName("writes a dump that seals and verifies")
        void sealsAndVerifies() {
            fixture.seed();
            BackupDir backup = exportBackup();
            assertTrue(backup.manifest().fileCount() > 0, "an export of seeded data wrote no file");
            assertEquals(provider().name(), backup.manifest().component());
        }

        @Test
        @DisplayName("writes only inside its directory")
        void writesOnlyInsideItsDirectory() throws IOException {
            fixture.seed();
            BackupId id = nextId();
            Path data = Files.createDirectories(staging(id).resolve("data"));
            Path sentinel = Files.writeString(exportNode.incoming().resolve("sentinel"), "left alone");
            List<ManifestEntry> before = outside(data, TestBackups.entries(exportNode.root()));
            runExport(id, Cancellation.never());
            assertEquals(before, outside(data, TestBackups.entries(exportNode.root())),
                    "the export changed the node directory outside " + data);
            assertEquals("left alone", Files.readString(sentinel));
        }

        @Test
        @DisplayName("does not change the live data")
        void leavesLiveDataAlone() {
            fixture.seed();
            String live = fixture.liveFingerprint();
            exportBackup();
            assertEquals(live, fixture.liveFingerprint());
        }

        @Test
        @DisplayName("that was cancelled before it started fails with CANCELLED")
        void honoursCancellation() {
            fixture.seed();
            assertFailsWith(ErrorCode.CANCELLED, () -> runExport(nextId(), cancelled()), "an export cancelled in advance");
        }

        private List<ManifestEntry> outside(Path data, List<ManifestEntry> entries) {
            String prefix = exportNode.root().relativize(data).toString();
            return entries.stream().filter(e -> !e.path().equals(prefix) && !e.path().startsWith(prefix + "/")).toList();
        }
    }

    /** Export, then import into the standby. */
    @Nested
    @DisplayName("A round trip through the importer")
    class RoundTrip {
        @Test
        @DisplayName("gives the standby the live content")
        void standbyEqualsLive() {
            fixture.seed();
            assertNotEquals(fixture.liveFingerprint(), fixture.standbyFingerprint(),
                    "fixture: a standby holding nothing must differ from the seeded live copy");
            importBackup(exportBackup());
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
        }

        @Test
        @DisplayName("after a change, follows the change")
        void followsChanges() {
            fixture.seed();
            importBackup(exportBackup());
            String first = fixture.liveFingerprint();
            fixture.change(1);
            assertNotEquals(first, fixture.liveFingerprint(), "fixture: change(1) did not change the live fingerprint");
            importBackup(exportBackup());
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
            fixture.change(2);
            importBackup(exportBackup());
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
        }

        @Test
        @DisplayName("twice without a change gives the same content both times")
        void repeatableWithoutChange() {
            fixture.seed();
            BackupDir first = exportBackup();
            BackupDir second = exportBackup();
            importBackup(first);
            String fromFirst = fixture.standbyFingerprint();
            importBackup(second);
            assertEquals(fromFirst, fixture.standbyFingerprint());
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
            assertEquals(first.manifest().fileCount(), second.manifest().fileCount(),
                    "two exports of unchanged data hold different numbers of files");
        }
    }
}
