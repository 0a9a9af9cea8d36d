package org.resilient.core.fake;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;

/**
 * A test transport, scheme {@code fake}: {@code fake:/abs/node-dir} names a node directory; backups are
 * copied between directories (regular files only), messages go through in-memory queues.
 */
public class FakeTransport implements TransportProvider {
    /** Inboxes by node URI. */
    public static final Map<URI, Queue<Message>> INBOXES = new ConcurrentHashMap<>();
    /** Run at the start of every push (may throw to make it fail); null for none. */
    public static volatile Runnable ON_PUSH;
    /** Run at the start of every send (may throw to make it fail); null for none. */
    public static volatile Runnable ON_SEND;

    @Override
    public String scheme() {
        return "fake";
    }

    @Override
    public String description() {
        return "test transport";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public Transport open(URI self, Settings settings) {
        return new Transport() {
            @Override
            public void pull(URI from, BackupId id, Path target, OperationContext context) {
                Path src = Path.of(from.getPath()).resolve("backup").resolve(id.value());
                if (!Files.isDirectory(src)) {
                    throw new ResilienceException(ErrorCode.NOT_FOUND, "no backup " + id + " at " + from);
                }
                copy(src, target);
            }

            @Override
            public void push(Path source, BackupId id, URI to, OperationContext context) {
                Runnable hook = ON_PUSH;
                if (hook != null) {
                    hook.run();
                }
                Path dest = Path.of(to.getPath()).resolve("backup").resolve(id.value());
                if (!Files.exists(dest)) {
                    Path tmp = Path.of(to.getPath()).resolve("incoming").resolve(id.value());
                    copy(source, tmp);
                    try {
                        Files.createDirectories(dest.getParent());
                        Files.move(tmp, dest);
                    } catch (IOException e) {
                        throw new ResilienceException(ErrorCode.IO_ERROR, e.toString());
                    }
                }
            }

            @Override
            public void send(URI to, Message message) {
                Runnable hook = ON_SEND;
                if (hook != null) {
                    hook.run();
                }
                INBOXES.computeIfAbsent(to, k -> new ConcurrentLinkedQueue<>()).add(message);
            }

            @Override
            public List<Message> receive() {
                Queue<Message> q = INBOXES.computeIfAbsent(self, k -> new ConcurrentLinkedQueue<>());
                List<Message> out = new ArrayList<>();
                Message m;
                while ((m = q.poll()) != null) {
                    out.add(m);
                }
                return out;
            }

            @Override
            public void close() {
            }
        };
    }

    static void copy(Path src, Path dst) {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path d = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d);
                }
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, e.toString());
        }
    }
}
