package org.resilient.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.NodeLayout;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.testkit.memory.ByteTree;

/**
 * A {@link TransportFixture} for a transport whose nodes keep their backups in a node directory laid out as
 * {@link NodeLayout} says (the {@code file} and {@code https} transports). Backups are placed and read in the
 * directories with {@link ByteTree}, not with the transport under test; raw messages are written into
 * {@code inbox/} named as transports name their message files. A fixture says where a node's directory is and
 * how nodes are made and opened.
 */
public abstract class NodeDirectoryFixture implements TransportFixture {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private int raw;

    /** For subclasses. */
    protected NodeDirectoryFixture() {}

    /**
     * The layout of a node's directory.
     *
     * @param node a node made by {@link #node(String)}
     * @return its layout
     */
    protected abstract NodeLayout layout(URI node);

    @Override
    public void publish(URI node, Path backupDir, BackupId id) {
        ByteTree.read(backupDir, ProgressListener.NONE, Cancellation.never())
                .writeTo(layout(node).backup(id), ProgressListener.NONE, Cancellation.never());
    }

    @Override
    public List<BackupId> published(URI node) {
        List<BackupId> ids = new ArrayList<>();
        for (String n : list(layout(node).backups())) {
            try {
                ids.add(new BackupId(n));
            } catch (ResilienceException e) {
                // not a backup
            }
        }
        ids.sort(null);
        return ids;
    }

    @Override
    public void copyPublished(URI node, BackupId id, Path target) {
        ByteTree.read(layout(node).backup(id), ProgressListener.NONE, Cancellation.never())
                .writeTo(target, ProgressListener.NONE, Cancellation.never());
    }

    @Override
    public void deliverRaw(URI node, byte[] bytes) {
        try {
            Files.write(layout(node).inbox().resolve(STAMP.format(Instant.now()) + "-" + String.format("%012d", ++raw)
                    + "-00000000.msg"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Anything in {@code backup/} that is not a published backup (a temporary or partial directory). */
    @Override
    public List<String> leftovers(URI node) {
        List<String> out = new ArrayList<>();
        for (String n : list(layout(node).backups())) {
            try {
                new BackupId(n);
            } catch (ResilienceException e) {
                out.add("backup/" + n);
            }
        }
        return out;
    }

    private static List<String> list(Path p) {
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
