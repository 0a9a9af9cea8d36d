package org.resilient.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Importer;
import org.resilient.core.fs.TestTrees;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.registry.Registry;

@DisplayName("A backup of the files component either carries any legal name to the standby or refuses it up front")
class FileNamesTest {
    @TempDir
    Path tmp;
    private final ComponentProvider files = Registry.load().component("files");

    /** Names a manifest lists: they must reach the standby unchanged, through a manifest read back from bytes. */
    static List<String> listable() {
        return List.of("-rf", "--help", "-", " lead", "trail ", "%41%", "%", ".hidden", "...", "e\u0301",
                "\u202eevil", "line\u2028sep", "nel\u0085x", "\ufffd-literal", "\u00e9t\u00e9", "\ud83d\ude00",
                "x".repeat(255), "\u00e9".repeat(127), "\u20ac".repeat(85), "\ud83d\ude00".repeat(63),
                "*?[]{}$`'\"|&;<>()", "ab:c", "dir/c:x");
    }

    /** Names a manifest cannot list: every control character, DEL, a backslash, a leading drive letter. */
    static List<String> unlistable() {
        List<String> n = new ArrayList<>();
        for (char c = 1; c < 0x20; c++) {
            n.add("ctl-" + Integer.toHexString(c) + "-" + c);
        }
        n.addAll(List.of("del-\u007f", "back\\slash", "c:", "C:x", "dir/with\ttab"));
        return n;
    }

    private Settings settings(Path live, Path standby) {
        return Settings.of(Map.of("files.source", live.toString(), "files.target", standby.toString()));
    }

    @Test
    @DisplayName("every listable name round-trips: export, MANIFEST written and read back, import")
    void listableNames() throws IOException {
        Path live = Files.createDirectories(tmp.resolve("live/dir"));
        for (String name : listable()) {
            Files.writeString(live.getParent().resolve(name), name);
        }
        Path standby = tmp.resolve("standby");
        Path backupDir = tmp.resolve("node/backup/b1");
        Path data = Files.createDirectories(NodeLayout.data(backupDir));
        try (var exporter = files.exporter(settings(live.getParent(), standby))) {
            exporter.export(ExportContext.builder().directory(data).backupId(new BackupId("b1")).build());
        }
        TestTrees.seal(backupDir, "20261125T163200.000Z-node0");
        SealedBackup b = BackupVerifier.verify(backupDir, p -> { }, org.resilient.api.Cancellation.never());
        Manifest again = ManifestCodec.read(ManifestCodec.write(b.readManifest()));
        assertEquals(b.readManifest().entries(), again.entries());
        try (Importer importer = files.importer(settings(live.getParent(), standby))) {
            importer.importBackup(ImportContext.builder().manifest(again).directory(data).build());
        }
        assertEquals(TestTrees.fingerprint(live.getParent()), TestTrees.fingerprint(standby));
    }

    @Test
    @DisplayName("each unlistable name is refused at export as IO_ERROR naming the file and what to do")
    void unlistableNames() throws IOException {
        int i = 0;
        for (String name : unlistable()) {
            Path live = Files.createDirectories(tmp.resolve("live" + i + "/dir"));
            Files.writeString(live.getParent().resolve(name), "x");
            assertRefused(live.getParent(), name, "rename it", i++);
        }
    }

    @Test
    @DisplayName("a name that is not UTF-8 is refused at export with that reason, naming the file")
    void notUtf8() throws Exception {
        Path live = Files.createDirectories(tmp.resolve("live/sub"));
        Process p = new ProcessBuilder("sh", "-c", "cd \"$1\" && touch \"$(printf 'bad-\\377-name')\"", "sh",
                live.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertRefused(live.getParent(), "sub/bad-", "not valid UTF-8", 0);
    }

    private void assertRefused(Path live, String name, String why, int i) {
        Path data = tmp.resolve("export" + i);
        ResilienceException e = assertThrows(ResilienceException.class, () -> {
            Files.createDirectories(data);
            try (var exporter = files.exporter(settings(live, tmp.resolve("standby")))) {
                exporter.export(ExportContext.builder().directory(data).backupId(new BackupId("b1")).build());
            }
        }, name);
        assertEquals(ErrorCode.IO_ERROR, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(live.resolve(name).toString()) && e.getMessage().contains(why),
                e.getMessage());
    }
}
