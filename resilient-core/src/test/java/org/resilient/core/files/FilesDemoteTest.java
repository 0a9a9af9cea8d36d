package org.resilient.core.files;

import org.resilient.support.fs.PosixModes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.NodeLayout;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.Importer;
import org.resilient.core.fs.TestTrees;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.manifest.TreeScanner;

/**
 * Demotion of a live directory: an ordinary process that owns the tree can neither create, change nor delete
 * anything in it, the data and its modes stay, and promotion restores the directory's mode exactly.
 */
@DisplayName("Demoting a files component")
class FilesDemoteTest {
    /** What an ordinary process writing to the tree does. */
    private static final Map<String, String> WRITES = Map.of(
            "create a file at the top", "echo x > \"$1/new.txt\"",
            "append to a deep file", "echo x >> \"$1/a/b/two.txt\"",
            "delete a file", "rm \"$1/a/one.txt\"",
            "create a directory", "mkdir \"$1/a/b/newdir\"");

    @TempDir
    Path tmp;
    Path live;
    final FilesComponentProvider files = new FilesComponentProvider();

    @BeforeEach
    void setUp() throws IOException {
        OrdinaryProcess.letOthersThrough(tmp);
        live = TestTrees.sample(tmp.resolve("live"));
        Files.setPosixFilePermissions(live, PosixModes.permissions(0750));
        // as root the ordinary process is 'nobody', who must be able to write below as the tree's owner would
        makeWritableForProbe(live);
    }

    @Test
    @DisplayName("an ordinary process cannot write after demote, and can after promote; data and mode come back exactly")
    void fenceAndLift() throws IOException {
        Settings settings = Settings.empty().with("files.source", live.toString());
        String data = TestTrees.fingerprint(live);
        WRITES.forEach((what, script) -> assertTrue(dryRun(script), what + " failed before demote: the test cannot fail"));

        demote(settings);
        assertEquals(0, PosixModes.mode(live), "the live directory is not fenced");
        WRITES.forEach((what, script) -> assertFalse(OrdinaryProcess.run(live, script), what + " worked after demote"));
        assertEquals(data, fingerprintAsAdmin(), "demotion changed the data");
        demote(settings); // idempotent: the recorded mode must stay the unfenced one
        assertEquals(data, fingerprintAsAdmin(), "a second demotion changed the data");

        try (Importer importer = files.importer(settings)) {
            importer.promote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(3)).build());
        }
        assertEquals(0750, PosixModes.mode(live), "promote did not restore the directory's mode exactly");
        assertEquals(data, TestTrees.fingerprint(live));
        assertEquals(List.of(), leftovers(), "the fence record was left behind");
        assertTrue(OrdinaryProcess.run(live, "echo x > \"$1/new.txt\""), "an ordinary process cannot write after promote");
    }

    @Test
    @DisplayName("a demoted standby that imports stays fenced, the replaced tree is deleted, and promote opens the new one")
    void importKeepsFence() throws IOException {
        Path standby = tmp.resolve("standby");
        Settings settings = Settings.empty().with("files.target", standby.toString());
        SealedBackup first = export("20261203T100000.000Z-node0");
        try (Importer importer = files.importer(settings)) {
            importInto(importer, first);
            Files.setPosixFilePermissions(standby, PosixModes.permissions(0751));
            importer.demote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(2)).build());
            Files.writeString(live.resolve("a/one.txt"), "changed on the new leader\n");
            importInto(importer, export("20261203T110000.000Z-node1"));
            assertEquals(0, PosixModes.mode(standby), "the import lifted the demoted standby's fence");
            assertEquals(TestTrees.fingerprint(live), fingerprintAsAdmin(standby), "the import's data");
            try (Stream<Path> s = Files.list(tmp)) {
                assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".old-")).toList(),
                        "the replaced tree was not deleted");
            }
            importer.promote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(3)).build());
        }
        assertTrue(PosixModes.mode(standby) != 0, "promote left the imported tree fenced");
        assertEquals(List.of(), leftovers(), "the fence record was left behind");
    }

    /** Runs a write as the ordinary process on a copy of the tree, to show it works when nothing is fenced. */
    private boolean dryRun(String script) {
        Path copy = tmp.resolve("copy-" + Integer.toHexString(script.hashCode()));
        try {
            TestTrees.sample(copy);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        makeWritableForProbe(copy);
        return OrdinaryProcess.run(copy, script);
    }

    private void demote(Settings settings) {
        try (Importer importer = files.importer(settings)) {
            importer.demote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(2)).build());
        }
    }

    private String fingerprintAsAdmin() throws IOException {
        return fingerprintAsAdmin(live);
    }

    /** The fingerprint, read as root would: the fenced directory's mode lifted for the scan and put back. */
    private static String fingerprintAsAdmin(Path dir) throws IOException {
        var mode = Files.getPosixFilePermissions(dir);
        Files.setPosixFilePermissions(dir, PosixModes.permissions(0700));
        try {
            return TestTrees.fingerprint(dir);
        } finally {
            Files.setPosixFilePermissions(dir, mode);
        }
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".resilient-fence")).toList();
        }
    }

    private SealedBackup export(String id) {
        Path backupDir = tmp.resolve("node/backup/" + id);
        try (var exporter = files.exporter(Settings.empty().with("files.source", live.toString()))) {
            Path data = NodeLayout.data(backupDir);
            Files.createDirectories(data);
            exporter.export(ExportContext.builder().directory(data).backupId(new BackupId(id)).build());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        TestTrees.seal(backupDir, id);
        return BackupVerifier.verify(backupDir, p -> { }, Cancellation.never());
    }

    private static void importInto(Importer importer, SealedBackup b) {
        importer.importBackup(ImportContext.builder().manifest(b.readManifest())
                .directory(NodeLayout.data(b.directory())).build());
    }

    /**
     * Gives the tree below the directory to {@code nobody} when running as root, as an application's own tree
     * would be; the directory itself is handed over by {@link OrdinaryProcess} for each probe.
     */
    private static void makeWritableForProbe(Path dir) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(dir) && !Files.isSymbolicLink(p)) {
                    Files.setOwner(p, nobody);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
