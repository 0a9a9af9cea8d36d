package org.resilient.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.core.fs.TestTrees;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.api.NodeLayout;

/**
 * Issue 16.6 and 16.7: what the {@code files} component does with sources that are not plain files: FIFOs and
 * sockets are left out with a warning, {@code files.exclude} leaves out what it matches, set-user-id, set-group-id
 * and sticky bits survive a round trip, and an unreadable entry fails the export naming it (or is left out when
 * {@code files.skip-unreadable} says so).
 */
@DisplayName("the files component's source")
class FilesSourceTest {
    @TempDir
    Path tmp;
    Path live;

    @BeforeEach
    void setUp() throws IOException {
        live = TestTrees.sample(tmp.resolve("live"));
    }

    private Path export(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(extra);
        m.put("files.source", live.toString());
        Path backup = tmp.resolve("backup");
        Path data = NodeLayout.data(backup);
        try (Exporter e = new FilesComponentProvider().exporter(Settings.of(m))) {
            Files.createDirectories(data);
            e.export(ExportContext.builder().directory(data).backupId(new BackupId("x1")).build());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return data;
    }

    @Test
    @DisplayName("leaves FIFOs and sockets out, and backs up the rest")
    void specialFiles() throws Exception {
        Path fifo = live.resolve("sub/pipe");
        Files.createDirectories(fifo.getParent());
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(live.resolve("app.sock")));
            Path data = export(Map.of());
            assertFalse(Files.exists(data.resolve("sub/pipe"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(data.resolve("app.sock"), LinkOption.NOFOLLOW_LINKS));
            // Removed to compare the rest, with their directories' times as they were when backed up.
            java.nio.file.attribute.FileTime subTime = Files.getLastModifiedTime(fifo.getParent());
            java.nio.file.attribute.FileTime rootTime = Files.getLastModifiedTime(live);
            Files.delete(fifo);
            Files.delete(live.resolve("app.sock"));
            Files.setLastModifiedTime(fifo.getParent(), subTime);
            Files.setLastModifiedTime(live, rootTime);
            assertEquals(TestTrees.fingerprint(live), TestTrees.fingerprint(data), "everything else is backed up");
        }
    }

    @Test
    @DisplayName("leaves out what files.exclude matches, at any depth for a bare name")
    void exclude() throws IOException {
        Files.writeString(live.resolve("a.tmp"), "scratch");
        Files.createDirectories(live.resolve("deep/er"));
        Files.writeString(live.resolve("deep/er/b.tmp"), "scratch");
        Files.createDirectories(live.resolve("cache/x"));
        Files.writeString(live.resolve("cache/x/c.bin"), "cached");
        Files.writeString(live.resolve("deep/keep.txt"), "kept");
        Path data = export(Map.of("files.exclude", "*.tmp, cache"));
        assertFalse(Files.exists(data.resolve("a.tmp")));
        assertFalse(Files.exists(data.resolve("deep/er/b.tmp")));
        assertFalse(Files.exists(data.resolve("cache")));
        assertEquals("kept", Files.readString(data.resolve("deep/keep.txt")));
    }

    @Test
    @DisplayName("refuses an invalid exclude pattern as a configuration error")
    void badPattern() {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> FilesSettings.EXCLUDE.get(Settings.of(Map.of("files.exclude", "a[b"))));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code(), e.getMessage());
    }

    @Test
    @DisplayName("keeps set-user-id, set-group-id and sticky bits through export and import")
    void specialModeBits() throws IOException {
        Path tool = live.resolve("bin/tool");
        Files.createDirectories(tool.getParent());
        Files.writeString(tool, "#!/bin/sh\n");
        Files.setAttribute(tool, "unix:mode", 06755);
        Path shared = live.resolve("shared");
        Files.createDirectories(shared);
        Files.setAttribute(shared, "unix:mode", 03775);
        Path data = export(Map.of());
        TestTrees.seal(data.getParent(), "x1");
        assertEquals(06755, mode(data.resolve("bin/tool")));
        assertEquals(03775, mode(data.resolve("shared")));
        Path standby = tmp.resolve("standby/current");
        try (Importer i = new FilesComponentProvider().importer(Settings.of(Map.of("files.target", standby.toString())))) {
            i.importBackup(ImportContext.builder().directory(data)
                    .manifest(BackupVerifier.verify(data.getParent(), p -> { }, org.resilient.api.Cancellation.never())
                            .readManifest()).build());
        }
        assertEquals(06755, mode(standby.resolve("bin/tool")), "a setuid/setgid program stays one on the standby");
        assertEquals(03775, mode(standby.resolve("shared")), "a setgid, sticky directory stays one on the standby");
    }

    @Test
    @DisplayName("an import over a standby holding mode-000 entries leaves the new copy and nothing beside it")
    void importOverUnreadableStandby() throws IOException {
        Path data = export(Map.of());
        TestTrees.seal(data.getParent(), "x1");
        Path standby = tmp.resolve("standby/current");
        Files.createDirectories(standby.resolve("locked"));
        Files.writeString(standby.resolve("locked/inside.txt"), "old");
        Files.writeString(standby.resolve("private.key"), "old");
        Files.setPosixFilePermissions(standby.resolve("locked"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(standby.resolve("private.key"), PosixFilePermissions.fromString("---------"));
        try (Importer i = new FilesComponentProvider().importer(Settings.of(Map.of("files.target", standby.toString())))) {
            i.importBackup(ImportContext.builder().directory(data)
                    .manifest(BackupVerifier.verify(data.getParent(), p -> { }, org.resilient.api.Cancellation.never())
                            .readManifest()).build());
        }
        assertEquals(TestTrees.fingerprint(data), TestTrees.fingerprint(standby));
        try (java.util.stream.Stream<Path> s = Files.list(standby.getParent())) {
            assertEquals(List.of("current"), s.map(p -> p.getFileName().toString()).toList(), "no .old-* or .new-* left");
        }
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    @DisplayName("fails naming an unreadable entry, or leaves it out when files.skip-unreadable=true")
    void unreadable() throws Exception {
        Path secretDir = live.resolve("locked");
        Files.createDirectories(secretDir);
        Files.writeString(secretDir.resolve("inside.txt"), "hidden");
        Path secretFile = live.resolve("private.key");
        Files.writeString(secretFile, "key");
        Files.setPosixFilePermissions(secretDir, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("---------"));
        // Root (CAP_DAC_OVERRIDE) reads mode-000 entries: the export then runs in a process without that
        // capability (capsh), the only way a root test can meet an unreadable entry.
        List<String> prefix = List.of();
        if (Files.isReadable(secretFile)) {
            assumeTrue(Files.isExecutable(Path.of("/usr/sbin/capsh")) || Files.isExecutable(Path.of("/sbin/capsh")),
                    "this test runs with CAP_DAC_OVERRIDE (as root), which reads mode-000 entries, and capsh (package"
                    + " libcap2-bin) is not installed to drop it: there is no unreadable entry to test");
            prefix = List.of("capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", "exec \"$0\" \"$@\"");
        }
        String failed = exportInChild(prefix, tmp.resolve("out1"), false);
        assertTrue(failed.startsWith("IO_ERROR "), failed);
        assertTrue(failed.contains(secretDir.toString()) || failed.contains(secretFile.toString()), failed);
        assertTrue(failed.contains("files.skip-unreadable"), "says how to go on: " + failed);
        assertFalse(failed.contains("Exception"), failed);

        assertEquals("OK", exportInChild(prefix, tmp.resolve("out2"), true));
        assertFalse(Files.exists(tmp.resolve("out2/private.key")));
        assertFalse(Files.exists(tmp.resolve("out2/locked/inside.txt")));
        java.nio.file.attribute.FileTime rootTime = Files.getLastModifiedTime(live);
        Files.delete(secretFile);
        Files.setPosixFilePermissions(secretDir, PosixFilePermissions.fromString("rwx------"));
        org.resilient.support.fs.AtomicFiles.deleteTree(secretDir);
        Files.setLastModifiedTime(live, rootTime);
        assertEquals(TestTrees.fingerprint(live), TestTrees.fingerprint(tmp.resolve("out2")), "the rest is backed up");
    }

    private String exportInChild(List<String> prefix, Path out, boolean skip) throws Exception {
        Files.createDirectories(out);
        List<String> cmd = new java.util.ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ExportOnce.class.getName(), live.toString(), out.toString(),
                Boolean.toString(skip)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the export process ended");
        String[] lines = output.split("\n", -1);
        return lines[lines.length - 1];
    }
}
