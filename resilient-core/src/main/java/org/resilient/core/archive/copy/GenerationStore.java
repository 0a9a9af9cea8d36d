package org.resilient.core.archive.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestEntry;
import org.resilient.api.NodeLayout;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.StoreRequest;
import org.resilient.core.fs.TreeCopy;
import org.resilient.api.ManifestCodec;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.hash.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one backup as a new generation of a copy archive (the caller holds the lock): copies the backup
 * directory, checks its MANIFEST against the digest the request was verified with, then writes the
 * {@code GENERATION} file, from which on the generation exists. A failed store removes what it wrote.
 */
final class GenerationStore {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationStore.class);

    private GenerationStore() {
    }

    /**
     * Checks that a directory is a backup directory (MANIFEST, SIGNATURE, data/).
     *
     * @throws ResilienceException {@code NOT_FOUND} naming what is missing
     */
    static void checkSource(Path source) {
        for (String n : List.of(NodeLayout.MANIFEST, NodeLayout.SIGNATURE, NodeLayout.DATA)) {
            if (!Files.exists(source.resolve(n), LinkOption.NOFOLLOW_LINKS)) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot store " + source + ": it is not a backup "
                        + "directory (" + n + " is missing)");
            }
        }
    }

    /**
     * Stores a backup.
     *
     * @param generations the archive's generations
     * @param request what to store
     * @param context progress, cancellation
     * @return the new generation
     */
    static Generation store(Generations generations, StoreRequest request, OperationContext context) {
        Path source = request.directory();
        List<Generation> existing = generations.list();
        String id = generations.newId(request.time());
        Path dir = generations.dir(id);
        try {
            Files.createDirectories(dir);
            Path backup = dir.resolve(Generations.BACKUP);
            TreeCopy.Result copied = TreeCopy.from(source).fsync(true).progress("store", context.progress())
                    .cancellation(context.cancellation()).copyTo(backup);
            byte[] manifestBytes = Files.readAllBytes(backup.resolve(NodeLayout.MANIFEST));
            String digest = Sha256.of(manifestBytes);
            if (!digest.equals(request.manifestDigest())) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "cannot store " + source
                        + ": its MANIFEST's SHA-256 is " + digest + " but the request says "
                        + request.manifestDigest() + "; the backup changed after it was verified. Pull it again");
            }
            Manifest manifest = ManifestCodec.read(manifestBytes);
            long stored = copied.totalBytes() + manifestBytes.length
                    + Files.size(backup.resolve(NodeLayout.SIGNATURE));
            Generation g = new Generation(id, request.backupId(), request.time(), request.sourceNode(),
                    request.epoch(), digest, manifest.fileCount(), manifest.totalSize(),
                    newBytes(generations, manifest, existing), stored);
            context.cancellation().throwIfCancelled("store of " + request.backupId());
            // Written last: from this rename on, the generation exists.
            AtomicFiles.write(dir.resolve(Generations.GENERATION_FILE), GenerationCodec.write(g));
            LOG.info("stored backup {} as generation {} ({} files, {} bytes)", request.backupId(), id,
                    g.fileCount(), g.logicalBytes());
            return g;
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteTree(dir);
            } catch (ResilienceException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof IOException io) {
                throw AtomicFiles.ioError("store " + source + " in", dir, io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Bytes of files whose content no stored generation holds yet. */
    private static long newBytes(Generations generations, Manifest manifest, List<Generation> existing) {
        Set<String> known = new HashSet<>();
        for (Generation g : existing) {
            generations.manifest(g.id()).ifPresent(m -> m.entries().stream()
                    .filter(e -> e.type() == ManifestEntry.Type.FILE).forEach(e -> known.add(e.sha256())));
        }
        Set<String> counted = new HashSet<>();
        long n = 0;
        for (ManifestEntry e : manifest.entries()) {
            if (e.type() == ManifestEntry.Type.FILE && !known.contains(e.sha256()) && counted.add(e.sha256())) {
                n += e.size();
            }
        }
        return n;
    }
}
