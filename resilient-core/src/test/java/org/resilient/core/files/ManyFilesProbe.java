package org.resilient.core.files;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ImportContext;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.NodeLayout;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.api.spi.Importer;
import org.resilient.core.fs.TreeCopy;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.KnownDigests;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.manifest.TreeScanner;

/**
 * Run in a child JVM with a small heap by {@link ManyFilesMemoryTest}: {@code cycle} takes a tree through the files
 * component's node-side cycle (export copy, seal, verify, resumable pull copy, verify, import with its check and
 * swap); {@code list} holds every entry of the tree as a list, as the node did before, to show the heap is small
 * enough to catch memory that grows with the number of files.
 */
public final class ManyFilesProbe {
    private ManyFilesProbe() {
    }

    private static void step(String what, long t0) {
        System.out.printf("%s done at %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Runs the probe.
     *
     * @param args {@code cycle|list}, the source tree, the work directory
     */
    public static void main(String[] args) {
        Path source = Path.of(args[1]);
        Path work = Path.of(args[2]);
        if (args[0].equals("list")) {
            // What sealing did before: the entries as a list, a Manifest of them and its bytes.
            List<ManifestEntry> all = TreeScanner.scan(source, false, KnownDigests.NONE, ProgressListener.NONE, Cancellation.never());
            byte[] bytes = ManifestCodec.write(new Manifest(new BackupId("20261203T170000.000Z-node0"), "files",
                    "node0", Epoch.INITIAL, Instant.now(), all));
            System.out.println("listed " + all.size() + " in " + bytes.length + " bytes");
            return;
        }
        BackupId id = new BackupId("20261203T170000.000Z-node0");
        Path backup = work.resolve("backup");
        long t0 = System.nanoTime();
        TreeCopy.Result r = TreeCopy.from(source).copyTo(NodeLayout.data(backup));
        step("export copy", t0);
        SealedBackup sealed = BackupSealer.seal(backup, id, "files", "node0", Epoch.INITIAL, 0, Instant.now(),
                KnownDigests.NONE, ProgressListener.NONE, Cancellation.never());
        step("seal", t0);
        BackupVerifier.verify(backup, ProgressListener.NONE, Cancellation.never());
        step("verify", t0);
        Path pulled = work.resolve("pulled");
        TreeCopy.from(backup).resume(true).fsync(true).copyTo(pulled);
        step("pull copy", t0);
        BackupVerifier.verify(pulled, ProgressListener.NONE, Cancellation.never());
        step("verify", t0);
        try (Importer importer = new FilesComponentProvider().importer(Settings.of(Map.of("files.target",
                work.resolve("standby/current").toString())))) {
            importer.importBackup(ImportContext.builder().directory(NodeLayout.data(pulled))
                    .manifestFile(id, NodeLayout.manifest(pulled)).loggerName("probe").build());
        }
        step("import", t0);
        System.out.println("cycle " + r.files() + " " + sealed.manifest().fileCount());
    }
}
