package org.resilient.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.resilient.api.Damage;
import org.resilient.api.OperationContext;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.archive.chunking.FastCdc;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.store.StoreRun;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;
import org.resilient.archive.verify.Verifier;
import org.resilient.support.fs.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DirArchive#repair}: with the archive's lock held, reads every chunk (recording the damaged ones), writes
 * again from the source the chunks generations need that are damaged or missing, then checks the result and marks
 * each generation still damaged with a {@code generations/<id>.unhealed} file listing its damage (removed once a
 * repair heals it).
 *
 * @param layout the archive
 * @param settings its settings
 * @param cdc the chunker the archive's chunks were cut with, to cut the source again alike
 */
record ArchiveRepair(Layout layout, ArchiveSettings settings, FastCdc cdc) {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRepair.class);
    static final String UNHEALED = ".unhealed";

    VerifyReport repair(StoreRequest source, OperationContext context, String runId,
                        List<org.resilient.api.Generation> gens) throws IOException, InterruptedException {
        new Verifier(layout, RepoIndex.load(layout), settings.threads(), context).verify(VerifyLevel.READ_DATA);
        RepoIndex index = RepoIndex.load(layout);
        Set<ByteBuffer> wanted = wanted(index);
        if (!wanted.isEmpty()) {
            LOG.info("repair: {} chunk(s) used by generations are damaged or missing; looking for them in {}",
                    wanted.size(), source.directory());
            StoreRun run = new StoreRun(layout, CompletableFuture.completedFuture(index), settings, cdc, source,
                    context, gens).repairing(h -> wanted.contains(ByteBuffer.wrap(h)));
            run.run(runId);
        }
        VerifyReport after = new Verifier(layout, RepoIndex.load(layout), settings.threads(), context)
                .verify(VerifyLevel.STRUCTURE);
        mark(after);
        return after;
    }

    /** The chunks some generation uses that are in no whole pack, or whose copy was found damaged. */
    private Set<ByteBuffer> wanted(RepoIndex index) throws IOException {
        Set<ByteBuffer> out = new HashSet<>();
        for (Path f : generationFiles()) {
            try (TreeReader tree = GenerationFile.openTree(f)) {
                for (TreeEntry e = tree.next(); e != null; e = tree.next()) {
                    for (int i = 0; i < e.chunkCount(); i++) {
                        byte[] h = e.hash(i);
                        int slot = index.chunks().find(h);
                        if (slot < 0 || !index.usable(slot) || index.damaged(slot)) {
                            out.add(ByteBuffer.wrap(h));
                        }
                    }
                }
            } catch (PackDamagedException e) {
                LOG.warn("repair: generation file {} is damaged ({}); it cannot be healed from data", f,
                        e.getMessage());
            }
        }
        return out;
    }

    private List<Path> generationFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.generations(), "*.gen")) {
            for (Path f : ds) {
                if (!f.getFileName().toString().startsWith(".")) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** Marks the generations still damaged, and unmarks those healed. */
    private void mark(VerifyReport after) throws IOException {
        Map<String, StringBuilder> byGen = new TreeMap<>();
        for (Damage d : after.damages()) {
            if (d.generationId() != null) {
                byGen.computeIfAbsent(d.generationId(), k -> new StringBuilder()).append(d).append('\n');
            }
        }
        for (Path f : generationFiles()) {
            String id = f.getFileName().toString().replaceFirst("\\.gen$", "");
            Path marker = layout.generations().resolve(id + UNHEALED);
            StringBuilder damage = byGen.get(id);
            if (damage == null) {
                if (Files.deleteIfExists(marker)) {
                    LOG.info("repair: generation {} is whole again", id);
                }
            } else {
                AtomicFiles.write(marker, damage.toString().getBytes(StandardCharsets.UTF_8));
                LOG.error("repair: generation {} cannot be healed from the data given (marked in {}):\n{}", id,
                        marker, damage);
            }
        }
    }
}
