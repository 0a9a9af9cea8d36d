package org.resilient.core.transport.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Transport;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.fs.Deliveries;
import org.resilient.support.fs.Transfers;
import org.resilient.core.fs.TreeCopy;
import org.resilient.api.NodeLayout;
import org.resilient.api.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves backups and messages between node directories through the file system. Pulls copy into
 * {@code <target>.partial} and push into {@code <node>/incoming/<id>}, keeping what an interrupted transfer
 * already copied, then appear whole by a rename. Messages are files in {@code <node>/inbox/}, written
 * atomically and named so that they sort by time; unreadable ones are moved to {@code inbox/bad/}.
 */
final class LocalTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTransport.class);
    private static final String SUFFIX = ".msg";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final NodeLayout self;
    private final String instance = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());

    LocalTransport(Path selfDir) {
        this.self = new NodeLayout(selfDir);
    }

    @Override
    public void pull(URI from, BackupId id, Path target, OperationContext context) {
        NodeLayout node = reachable(from);
        Path source = node.backup(id);
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "node " + from + " has not published backup " + id
                    + " (no directory " + source + "); it may have been pruned there: pull a newer backup");
        }
        Path dst = target.toAbsolutePath().normalize();
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot pull " + id + " into " + dst
                    + ": it already exists; remove it or pull into another directory");
        }
        Path partial = dst.resolveSibling(dst.getFileName() + ".partial");
        copy(source, partial, "pull", context, from);
        try {
            AtomicFiles.move(partial, dst);
        } catch (IOException e) {
            throw AtomicFiles.ioError("rename " + partial + " to", dst, e);
        }
        LOG.info("pulled backup {} from {} into {}", id, from, dst);
    }

    @Override
    public void push(Path source, BackupId id, URI to, OperationContext context) {
        NodeLayout node = reachable(to);
        String from = self.root().toUri().toString();
        try {
            pushInto(node, source, id, to, context);
        } catch (RuntimeException e) {
            ErrorCode code = e instanceof ResilienceException r ? r.code() : ErrorCode.INTERNAL;
            if (code != ErrorCode.CANCELLED) {
                // The receiving node's own status must say at once that deliveries to it fail on its side.
                Deliveries.failed(node, id, from, context.clock().instant(), "a push of " + id + " by " + from
                        + " failed [" + code + "]: " + e.getMessage())
                        .ifPresent(why -> LOG.warn("{}", why));
            }
            throw e;
        }
        Deliveries.succeeded(node, id, from, context.clock().instant()).ifPresent(why -> LOG.warn("{}", why));
    }

    private void pushInto(NodeLayout node, Path source, BackupId id, URI to, OperationContext context) {
        Path published = node.backup(id);
        if (Files.isDirectory(published, LinkOption.NOFOLLOW_LINKS)) {
            LOG.info("backup {} is already published on {}; nothing to push", id, to);
            return;
        }
        Path incoming = node.transfer(id);
        try {
            org.resilient.support.fs.FileModes.createDirectories(node.incoming());
            org.resilient.support.fs.FileModes.createDirectories(node.backups());
        } catch (IOException e) {
            throw notWritable(to, e);
        }
        // Pushes to a node come one backup at a time, oldest first: an older one left there failed (disk full?)
        // and will never be finished; it only holds the space this one needs.
        for (Path p : Transfers.removeTransfersOlderThan(node, id)) {
            LOG.info("removed {} on {}: a push superseded by {}", p.getFileName(), to, id);
        }
        copy(source, incoming, "push", context, to);
        try {
            Files.move(incoming, published, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(node.backups());
        } catch (IOException e) {
            if (Files.isDirectory(published, LinkOption.NOFOLLOW_LINKS)) {
                // Another push of the same backup won the race: the backup is published, which is what we want.
                LOG.info("backup {} was published on {} by a concurrent push", id, to);
                AtomicFiles.deleteTree(incoming);
                return;
            }
            throw AtomicFiles.isPermissionProblem(e) ? notWritable(to, e)
                    : AtomicFiles.ioError("publish " + incoming + " as", published, e);
        }
        LOG.info("pushed backup {} to {}", id, to);
    }

    private static void copy(Path source, Path target, String phase, OperationContext context, URI node) {
        try {
            TreeCopy.from(source).resume(true).fsync(true).progress(phase, context.progress())
                    .cancellation(context.cancellation()).copyTo(target);
        } catch (ResilienceException e) {
            if (e.code() == ErrorCode.NOT_WRITABLE) {
                throw new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot " + phase + " into " + target
                        + ": not writable (" + e.getMessage() + "); make it writable by this user", e);
            }
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot " + phase + " " + source + " ("
                        + node + "): " + e.getMessage(), e);
            }
            if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                // The backup went while it was copied (its node's retention pruned it): a missing file is not an
                // I/O problem, the backup is gone.
                throw new ResilienceException(ErrorCode.NOT_FOUND, "cannot " + phase + " " + source + " (" + node
                        + "): it was removed while it was copied, most likely pruned by that node's retention for"
                        + " newer backups", e);
            }
            throw e;
        }
    }

    @Override
    public void send(URI to, Message message) {
        NodeLayout node = reachable(to);
        byte[] bytes = MessageCodec.write(message);
        Path file = node.inbox().resolve(STAMP.format(Instant.now()) + "-"
                + String.format("%012d-%08x", SEQUENCE.incrementAndGet(), ThreadLocalRandom.current().nextInt())
                + SUFFIX);
        try {
            AtomicFiles.write(file, bytes);
        } catch (ResilienceException e) {
            throw new ResilienceException(e.code() == ErrorCode.NOT_WRITABLE ? ErrorCode.UNREACHABLE : e.code(),
                    "cannot deliver " + message.type() + " to " + to + ": " + e.getMessage(), e);
        }
        LOG.debug("sent {} to {} as {}", message.type(), to, file.getFileName());
    }

    @Override
    public List<Message> receive() {
        List<Message> out = new ArrayList<>();
        receive(out::add);
        return out;
    }

    /**
     * Receives at least once and, among concurrent receivers, exactly once: each message file is first claimed
     * by an atomic rename into {@code inbox/taken/} under a name that says who took it (pid and an id of this
     * transport), then handed to the handler, then deleted. A claim left by a handler that threw is delivered
     * again by this transport's next receive; one left by a process that died (its pid is gone) is taken over
     * by the next receiver.
     */
    @Override
    public synchronized int receive(java.util.function.Consumer<Message> handler) {
        Path inbox = self.inbox();
        if (!Files.isDirectory(inbox)) {
            return 0;
        }
        Path taken = inbox.resolve("taken");
        int handled = 0;
        for (Path claim : leftoverClaims(taken)) {
            handled += deliver(claim, handler);
        }
        for (Path f : list(inbox)) {
            String name = f.getFileName().toString();
            if (!name.endsWith(SUFFIX) || Files.isSymbolicLink(f)) {
                moveAside(f, "it is not a message file (name does not end with " + SUFFIX + " or it is a link)");
                continue;
            }
            Path claim = taken.resolve(claimName(name));
            try {
                org.resilient.support.fs.FileModes.createDirectories(taken);
                Files.move(f, claim, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                continue; // claimed by a concurrent receiver: it delivers it, not us
            } catch (IOException e) {
                throw AtomicFiles.ioError("claim the received message", f, e);
            }
            handled += deliver(claim, handler);
        }
        return handled;
    }

    /** Claims of this transport left by a handler that threw, and claims of processes that are gone. */
    private List<Path> leftoverClaims(Path taken) {
        if (!Files.isDirectory(taken)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        long me = ProcessHandle.current().pid();
        for (Path c : list(taken)) {
            Claim claim = Claim.parse(c.getFileName().toString());
            if (claim.pid() == me && claim.owner().equals(instance)) {
                out.add(c);
            } else if (claim.pid() != me && (claim.pid() < 0 || ProcessHandle.of(claim.pid()).isEmpty())) {
                Path mine = taken.resolve(claimName(claim.message()));
                try {
                    Files.move(c, mine, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("message {} was taken by a process that is gone; delivering it again", claim.message());
                    out.add(mine);
                } catch (NoSuchFileException e) {
                    // another receiver took it over
                } catch (IOException e) {
                    throw AtomicFiles.ioError("take over the message", c, e);
                }
            }
        }
        return out;
    }

    private String claimName(String message) {
        return message + "~" + ProcessHandle.current().pid() + "~" + instance;
    }

    /**
     * A claim's file name, {@code <message file>~<pid>~<transport id>}, read from the right so that a message
     * name holding a {@code ~} stays whole; a name that is not a claim has pid -1 (taken over as dead).
     */
    private record Claim(String message, long pid, String owner) {
        static Claim parse(String file) {
            int b = file.lastIndexOf('~');
            int a = b > 0 ? file.lastIndexOf('~', b - 1) : -1;
            if (a > 0) {
                try {
                    return new Claim(file.substring(0, a), Long.parseLong(file.substring(a + 1, b)),
                            file.substring(b + 1));
                } catch (NumberFormatException e) {
                    // not one of our claims
                }
            }
            return new Claim(file, -1, "");
        }
    }

    private int deliver(Path claim, java.util.function.Consumer<Message> handler) {
        String name = Claim.parse(claim.getFileName().toString()).message();
        Message m;
        try {
            if (Files.size(claim) > MessageCodec.MAX_BYTES) {
                moveAside(claim, name, "it is larger than " + MessageCodec.MAX_BYTES + " bytes");
                return 0;
            }
            m = MessageCodec.read(Files.readAllBytes(claim));
        } catch (ResilienceException e) {
            moveAside(claim, name, e.getMessage());
            return 0;
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", claim, e);
        }
        // Handled first, deleted after: a crash in between delivers the message again instead of losing it.
        handler.accept(m);
        try {
            Files.deleteIfExists(claim);
        } catch (IOException e) {
            throw AtomicFiles.ioError("delete the received message", claim, e);
        }
        return 1;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            // Hidden names are messages still being written (AtomicFiles' temporary names).
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", dir, e);
        }
    }

    private void moveAside(Path f, String why) {
        moveAside(f, f.getFileName().toString(), why);
    }

    private void moveAside(Path f, String name, String why) {
        Path bad = self.inbox().resolve("bad");
        Path dst = bad.resolve(name);
        try {
            org.resilient.support.fs.FileModes.createDirectories(bad);
            if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                // Never overwrite an earlier bad message: it may be the evidence someone needs.
                dst = bad.resolve(name + "." + System.nanoTime());
            }
            AtomicFiles.move(f, dst);
            LOG.warn("unreadable message {} moved to {}: {}", name, dst, why);
        } catch (IOException e) {
            LOG.error("unreadable message {} ({}) could not be moved to {}: {}; it stays in the inbox",
                    f, why, bad, e.toString());
        }
    }

    private static NodeLayout reachable(URI node) {
        Path dir = NodeUris.toPath(node, "node");
        if (!Files.isDirectory(dir)) {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "node " + node + " is unreachable: its directory "
                    + dir + " does not exist" + (Files.exists(dir) ? " (it is a file)" : "")
                    + "; check the node's URI and that its file system is mounted");
        }
        return new NodeLayout(dir);
    }

    private static ResilienceException notWritable(URI node, IOException e) {
        if (AtomicFiles.isPermissionProblem(e)) {
            return new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot push to node " + node
                    + ": its directory is not writable (" + e.getMessage() + "); make it writable by this user", e);
        }
        return AtomicFiles.ioError("push to node", Path.of(node), e);
    }

    @Override
    public void close() {
        // Nothing held: every operation opens and closes its own files.
    }

    @Override
    public String toString() {
        return "LocalTransport[" + self.root() + "]";
    }
}
