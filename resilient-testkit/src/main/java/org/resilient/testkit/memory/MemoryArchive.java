package org.resilient.testkit.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import org.resilient.testkit.KitFiles;

/**
 * An {@link Archive} in memory: each generation is a {@link ByteTree} of the whole backup directory; equal
 * file contents are shared (so the stats show deduplication). Logical sizes count every regular file of the
 * backup directory, MANIFEST and SIGNATURE included.
 */
final class MemoryArchive implements Archive {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final MemoryArchiveState state;
    private volatile boolean closed;

    MemoryArchive(MemoryArchiveState state) {
        this.state = state;
    }

    @Override
    public Generation store(StoreRequest request, OperationContext context) {
        checkOpen();
        MemoryArchiveProvider.beforeStore(state.name);
        lock();
        try {
            context.cancellation().throwIfCancelled("store of " + request.backupId());
            ByteTree read = ByteTree.read(request.directory(), context.progress(), context.cancellation());
            Map<String, byte[]> known = new HashMap<>();
            for (MemoryArchiveState.Stored s : state.all()) {
                s.tree().nodes().stream().filter(n -> n.content() != null).forEach(n -> known.put(n.sha256(), n.content()));
            }
            // Share equal contents with earlier generations, and count what is new.
            long newBytes = 0;
            List<ByteTree.Node> nodes = new ArrayList<>();
            for (ByteTree.Node n : read.nodes()) {
                if (n.content() != null) {
                    byte[] existing = known.get(n.sha256());
                    if (existing == null) {
                        newBytes += n.size();
                        known.put(n.sha256(), n.content());
                    } else {
                        n = new ByteTree.Node(n.path(), n.type(), n.mode(), n.modified(), existing, n.sha256(), null);
                    }
                }
                nodes.add(n);
            }
            ByteTree tree = new ByteTree(nodes);
            context.cancellation().throwIfCancelled("store of " + request.backupId());
            String id = STAMP.format(request.time()) + "-" + String.format("%06d", state.nextSequence());
            Generation g = new Generation(id, request.backupId(), request.time(), request.sourceNode(), request.epoch(),
                    request.manifestDigest(), tree.fileCount(), tree.size(), newBytes, newBytes);
            state.add(new MemoryArchiveState.Stored(g, tree));
            return g;
        } finally {
            state.writer.unlock();
        }
    }

    @Override
    public List<Generation> generations() {
        checkOpen();
        return state.all().stream().map(MemoryArchiveState.Stored::generation).toList();
    }

    @Override
    public List<Damage> restore(String generationId, Path target, RestoreOptions options, OperationContext context) {
        checkOpen();
        MemoryArchiveState.Stored s = state.get(generationId);
        if (s == null) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "archive mem:" + state.name + " has no generation '"
                    + generationId + "'; list the generations to see which exist");
        }
        if (!isAbsentOrEmpty(target)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot restore generation " + generationId + " into "
                    + target + ": it exists and is not empty; restore into a new directory");
        }
        // Check every byte before anything is written: damaged content is never restored as if it were good.
        List<Damage> damages = new ArrayList<>();
        List<ByteTree.Node> intact = new ArrayList<>();
        for (ByteTree.Node n : s.tree().nodes()) {
            if (n.content() != null && !KitFiles.sha256(n.content()).equals(n.sha256())) {
                damages.add(new Damage(generationId, n.path(), 0, "mem:" + state.name,
                        "content does not match its SHA-256; restore another generation"));
            } else {
                intact.add(n);
            }
        }
        if (!damages.isEmpty() && !options.partial()) {
            throw new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "generation " + generationId + " of archive mem:"
                    + state.name + " is damaged (" + damages.size() + " file(s), first: " + damages.get(0)
                    + "); restore another generation, or restore the intact part with a partial restore");
        }
        new ByteTree(intact).writeTo(target, context.progress(), context.cancellation());
        return damages;
    }

    @Override
    public PruneResult prune(RetentionPolicy policy, OperationContext context) {
        checkOpen();
        lock();
        try {
            context.cancellation().throwIfCancelled("prune of mem:" + state.name);
            long before = state.contents().values().stream().mapToLong(Long::longValue).sum();
            List<Generation> all = generations();
            Set<String> keep = policy.keep(all, context.clock().instant());
            List<String> removed = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            for (Generation g : all) {
                if (keep.contains(g.id())) {
                    kept.add(g.id());
                } else {
                    state.remove(g.id());
                    removed.add(g.id());
                }
            }
            long after = state.contents().values().stream().mapToLong(Long::longValue).sum();
            return new PruneResult(removed, kept, before - after);
        } finally {
            state.writer.unlock();
        }
    }

    @Override
    public VerifyReport verify(VerifyLevel level, OperationContext context) {
        checkOpen();
        List<Damage> damages = new ArrayList<>();
        long read = 0;
        List<MemoryArchiveState.Stored> all = state.all();
        for (MemoryArchiveState.Stored s : all) {
            context.cancellation().throwIfCancelled("verify of mem:" + state.name);
            if (level == VerifyLevel.READ_DATA) {
                for (ByteTree.Node n : s.tree().nodes()) {
                    if (n.content() != null) {
                        read += n.size();
                        if (!KitFiles.sha256(n.content()).equals(n.sha256())) {
                            damages.add(new Damage(s.generation().id(), n.path(), 0, null, "content does not match its SHA-256"));
                        }
                    }
                }
            }
        }
        return new VerifyReport(level, all.size(), read, damages);
    }

    @Override
    public ArchiveStats stats() {
        checkOpen();
        List<MemoryArchiveState.Stored> all = state.all();
        Map<String, Long> contents = state.contents();
        long unique = contents.values().stream().mapToLong(Long::longValue).sum();
        long logical = all.stream().mapToLong(s -> s.generation().logicalBytes()).sum();
        return new ArchiveStats(all.size(), logical, unique, unique, contents.size());
    }

    @Override
    public void close() {
        closed = true;
    }

    private void lock() {
        if (!state.writer.tryLock()) {
            throw new ResilienceException(ErrorCode.LOCKED, "archive mem:" + state.name
                    + " is being written by another store or prune; retry when it is done");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "archive mem:" + state.name + " is closed");
        }
    }

    private static boolean isAbsentOrEmpty(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
