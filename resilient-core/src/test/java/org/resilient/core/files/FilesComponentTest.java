package org.resilient.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
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
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Importer;
import org.resilient.core.fs.TestTrees;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.api.NodeLayout;
import org.resilient.core.registry.Registry;

@DisplayName("The files component")
class FilesComponentTest {
    @TempDir
    Path tmp;
    Path live;
    Path standby;
    ComponentProvider files;

    @BeforeEach
    void setUp() throws IOException {
        live = TestTrees.sample(tmp.resolve("live"));
        standby = tmp.resolve("standby-parent/standby");
        files = Registry.load().component("files");
    }

    private Settings settings() {
        return Settings.of(Map.of("files.source", live.toString(), "files.target", standby.toString()));
    }

    /** Exports the live tree into a sealed, verified backup directory, like an export node does. */
    private SealedBackup export(String id) {
        Path backupDir = tmp.resolve("node/backup/" + id);
        try (var exporter = files.exporter(settings())) {
            Path data = NodeLayout.data(backupDir);
            Files.createDirectories(data);
            exporter.export(ExportContext.builder().directory(data).backupId(new BackupId(id)).build());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        TestTrees.seal(backupDir, id);
        return BackupVerifier.verify(backupDir, p -> { }, Cancellation.never());
    }

    private void importInto(Importer importer, SealedBackup b, Cancellation c, ProgressListener progress) {
        importer.importBackup(ImportContext.builder().manifest(b.readManifest())
                .directory(NodeLayout.data(b.directory())).cancellation(c).progress(progress).build());
    }

    private void importInto(Importer importer, SealedBackup b) {
        importInto(importer, b, Cancellation.never(), ProgressListener.NONE);
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(standby.getParent())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("is registered with its settings and capabilities")
    void registered() {
        assertEquals(EnumSet.of(Capability.PROMOTE, Capability.DEMOTE, Capability.ATOMIC_IMPORT, Capability.SYMLINKS,
                Capability.FILE_MODES, Capability.MODIFICATION_TIMES, Capability.EMPTY_DIRECTORIES), files.capabilities());
        assertEquals(List.of("files.source", "files.target", "files.exclude", "files.skip-unreadable"), files.settings().stream().map(SettingSpec::key).toList());
    }

    @Test
    @DisplayName("export then import gives the live tree exactly: files, empty dirs, links, modes and times")
    void roundTrip() {
        SealedBackup b = export("20261125T163200.000Z-node0");
        assertEquals(TestTrees.fingerprint(live), TestTrees.fingerprint(NodeLayout.data(b.directory())));
        try (Importer importer = files.importer(settings())) {
            importInto(importer, b);
        }
        assertEquals(TestTrees.fingerprint(live), TestTrees.fingerprint(standby));
    }

    @Test
    @DisplayName("a second import replaces the standby whole, removing what the new backup does not have")
    void replaces() throws IOException {
        SealedBackup first = export("20261125T163200.000Z-node0");
        Files.delete(live.resolve("a/one.txt"));
        Files.writeString(live.resolve("new.txt"), "new");
        SealedBackup second = export("20261125T163300.000Z-node0");
        try (Importer importer = files.importer(settings())) {
            importInto(importer, first);
            importInto(importer, second);
        }
        assertEquals(TestTrees.fingerprint(live), TestTrees.fingerprint(standby));
        assertFalse(Files.exists(standby.resolve("a/one.txt")));
        assertEquals(List.of("standby"), siblings(), "no staging or old copies are left");
    }

    @Test
    @DisplayName("a cancelled import leaves the previous standby whole and nothing beside it")
    void cancelled() throws IOException {
        SealedBackup first = export("20261125T163200.000Z-node0");
        Files.writeString(live.resolve("a/one.txt"), "changed");
        SealedBackup second = export("20261125T163300.000Z-node0");
        try (Importer importer = files.importer(settings())) {
            importInto(importer, first);
            String before = TestTrees.fingerprint(standby);
            Cancellation c = Cancellation.create();
            AtomicInteger calls = new AtomicInteger();
            // Cancel at the second progress report: the copy has started and is not finished.
            ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(importer, second, c,
                    p -> {
                        if (calls.incrementAndGet() == 2) {
                            c.cancel();
                        }
                    }));
            assertEquals(ErrorCode.CANCELLED, e.code());
            assertEquals(before, TestTrees.fingerprint(standby));
            assertEquals(List.of("standby"), siblings());
        }
    }

    @Test
    @DisplayName("repairs an import interrupted between the two renames: the previous copy is put back")
    @SuppressWarnings("try") // the resource is held for its effect
    void interruptedSwap() throws IOException {
        SealedBackup first = export("20261125T163200.000Z-node0");
        try (Importer importer = files.importer(settings())) {
            importInto(importer, first);
        }
        String before = TestTrees.fingerprint(standby);
        // The state a crash leaves after "rename current aside" and before "rename new into place".
        Files.move(standby, standby.resolveSibling(".standby.old-20261125T163300.000Z-node0"));
        Files.createDirectories(standby.resolveSibling(".standby.new-20261125T163300.000Z-node0/half"));
        assertFalse(Files.exists(standby));

        try (Importer restarted = files.importer(settings())) {
            assertEquals(before, TestTrees.fingerprint(standby));
            assertEquals(List.of("standby"), siblings());
        }
    }

    @Test
    @DisplayName("removes the old copy left by an import interrupted after the swap")
    @SuppressWarnings("try") // the resource is held for its effect
    void leftoverOldCopy() throws IOException {
        SealedBackup first = export("20261125T163200.000Z-node0");
        try (Importer importer = files.importer(settings())) {
            importInto(importer, first);
        }
        Files.createDirectories(standby.resolveSibling(".standby.old-20261125T163100.000Z-node0/x"));
        String before = TestTrees.fingerprint(standby);
        try (Importer restarted = files.importer(settings())) {
            assertEquals(before, TestTrees.fingerprint(standby));
            assertEquals(List.of("standby"), siblings());
        }
    }

    @Test
    @DisplayName("promote changes nothing on a directory that was never demoted")
    void promote() {
        SealedBackup b = export("20261125T163200.000Z-node0");
        try (Importer importer = files.importer(settings())) {
            importInto(importer, b);
            String before = TestTrees.fingerprint(standby);
            importer.promote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(1)).build());
            assertEquals(before, TestTrees.fingerprint(standby));
        }
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {
        @Test
        @DisplayName("a missing files.source or files.target is CONFIG_INVALID naming the key and its variable")
        void missingSettings() {
            ResilienceException e = assertThrows(ResilienceException.class, () -> files.exporter(Settings.empty()));
            assertEquals(ErrorCode.CONFIG_INVALID, e.code());
            assertTrue(e.getMessage().contains("files.source") && e.getMessage().contains("RESILIENT_FILES_SOURCE"),
                    e.getMessage());
            e = assertThrows(ResilienceException.class, () -> files.importer(Settings.empty()));
            assertEquals(ErrorCode.CONFIG_INVALID, e.code());
            assertTrue(e.getMessage().contains("files.target"), e.getMessage());
        }

        @Test
        @DisplayName("a missing source directory is NOT_FOUND")
        void missingSource() {
            Settings s = Settings.of(Map.of("files.source", tmp.resolve("nope").toString()));
            Path data = tmp.resolve("export");
            ResilienceException e = assertThrows(ResilienceException.class, () -> files.exporter(s).export(
                    ExportContext.builder().directory(data).backupId(new BackupId("x1")).build()));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }

        @Test
        @DisplayName("a file name a manifest cannot list (backslash, line break) is IO_ERROR naming the file")
        void unlistableName() throws IOException {
            Files.writeString(live.resolve("a/back\\slash"), "x");
            Path data = Files.createDirectories(tmp.resolve("export"));
            ResilienceException e = assertThrows(ResilienceException.class, () -> files.exporter(settings()).export(
                    ExportContext.builder().directory(data).backupId(new BackupId("x1")).build()));
            assertEquals(ErrorCode.IO_ERROR, e.code());
            assertTrue(e.getMessage().contains("back\\slash") && e.getMessage().contains("rename"), e.getMessage());
        }

        @Test
        @DisplayName("an export directory inside the source is CONFIG_INVALID (the backup would copy itself)")
        void exportInsideSource() throws IOException {
            Path data = Files.createDirectories(live.resolve("node/incoming/x1/data"));
            ResilienceException e = assertThrows(ResilienceException.class, () -> files.exporter(settings()).export(
                    ExportContext.builder().directory(data).backupId(new BackupId("x1")).build()));
            assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        }

        @Test
        @DisplayName("a target whose parent is not writable is NOT_WRITABLE, and the standby is unchanged")
        @SuppressWarnings("try") // the resource is held for its effect
        void notWritable() throws Exception {
            SealedBackup first = export("20261125T163200.000Z-node0");
            Files.writeString(live.resolve("a/one.txt"), "changed");
            SealedBackup second = export("20261125T163300.000Z-node0");
            try (Importer importer = files.importer(settings())) {
                importInto(importer, first);
                String before = TestTrees.fingerprint(standby);
                try (AutoCloseable ro = TestTrees.unwritable(standby.getParent())) {
                    ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(importer, second));
                    assertEquals(ErrorCode.NOT_WRITABLE, e.code());
                    assertTrue(e.getMessage().contains(standby.getParent().toString())
                            && e.getMessage().contains("writable"), e.getMessage());
                }
                assertEquals(before, TestTrees.fingerprint(standby));
                assertNotEquals(TestTrees.fingerprint(live), TestTrees.fingerprint(standby));
                assertEquals(List.of("standby"), siblings());
            }
        }

        @Test
        @DisplayName("data that does not match the manifest is VERIFICATION_FAILED, and the standby is unchanged")
        void damagedData() throws IOException {
            SealedBackup first = export("20261125T163200.000Z-node0");
            Files.writeString(live.resolve("a/one.txt"), "changed");
            SealedBackup second = export("20261125T163300.000Z-node0");
            Files.write(NodeLayout.data(second.directory()).resolve("big.bin"), new byte[10]);
            try (Importer importer = files.importer(settings())) {
                importInto(importer, first);
                String before = TestTrees.fingerprint(standby);
                ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(importer, second));
                assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
                assertTrue(e.getMessage().contains("big.bin has 10 bytes"), e.getMessage());
                assertEquals(before, TestTrees.fingerprint(standby));
                assertEquals(List.of("standby"), siblings());
            }
        }

        @Test
        @DisplayName("a target that is a mount point is CONFIG_INVALID (it cannot be swapped by renames)")
        void mountPoint() throws Exception {
            SealedBackup b = export("20261125T163200.000Z-node0");
            Files.createDirectories(standby);
            boolean root = "root".equals(System.getProperty("user.name"));
            org.junit.jupiter.api.Assumptions.assumeTrue(root, "mounting a tmpfs needs root");
            int rc = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", standby.toString())
                    .redirectErrorStream(true).start().waitFor();
            org.junit.jupiter.api.Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs here");
            try {
                Files.writeString(standby.resolve("kept"), "kept");
                try (Importer importer = files.importer(settings())) {
                    ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(importer, b));
                    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
                    assertTrue(e.getMessage().contains("mount point"), e.getMessage());
                }
                assertEquals("kept", Files.readString(standby.resolve("kept")));
                assertEquals(List.of("standby"), siblings());
            } finally {
                new ProcessBuilder("umount", standby.toString()).redirectErrorStream(true).start().waitFor();
            }
        }

        @Test
        @DisplayName("a target that is a file is CONFIG_INVALID and the file is kept")
        void targetIsAFile() throws IOException {
            SealedBackup b = export("20261125T163200.000Z-node0");
            Files.createDirectories(standby.getParent());
            Files.writeString(standby, "precious");
            try (Importer importer = files.importer(settings())) {
                ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(importer, b));
                assertEquals(ErrorCode.CONFIG_INVALID, e.code());
            }
            assertEquals("precious", Files.readString(standby));
        }
    }
}
