package org.resilient.core.transport.local;

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
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.NodeLayout;
import org.resilient.core.transport.local.LocalTransportProvider;
import org.resilient.testkit.TransportFixture;
import org.resilient.testkit.memory.ByteTree;

/**
 * Node directories in the test's temporary directory for the {@code file} transport. Backups are placed and
 * read with {@link ByteTree} (not with the transport under test); raw messages are written into
 * {@code inbox/} named as the transport names its message files.
 */
final class LocalTransportFixture implements TransportFixture {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private final Path dir;
    private int raw;

    LocalTransportFixture(Path dir) {
        this.dir = dir;
    }

    private static NodeLayout layout(URI node) {
        return new NodeLayout(Path.of(node));
    }

    @Override
    public URI node(String name) {
        return new NodeLayout(dir.resolve(name)).create().root().toUri();
    }

    @Override
    public URI absentNode(String name) {
        return dir.resolve("absent-" + name).toUri();
    }

    @Override
    public Transport open(URI self) {
        return new LocalTransportProvider().open(self, Settings.empty());
    }

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

    @Override
    public void close() {
    }
}
