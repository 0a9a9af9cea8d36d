package org.resilient.coordinator.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberStateFormat;
import org.resilient.api.ResilienceException;

/**
 * The shared coordination directory of one machine: small {@code key=value} files replaced atomically
 * (temporary file, fsync, rename, fsync of the directory), and one lock serialising every change of the
 * lease, the epoch and the members. The lock is an OS file lock ({@link FileChannel#lock()}), which the kernel
 * drops when its process dies, so a crashed node never leaves it held; within one JVM a {@link ReentrantLock}
 * per directory is taken first, because the JVM refuses two overlapping file locks of its own.
 *
 * <pre>
 * &lt;dir&gt;/lock            locked while a change is made (never written)
 * &lt;dir&gt;/epoch           epoch=, taken-by=, taken-at=
 * &lt;dir&gt;/lease           holder=, session=, acquired-at=, expires-at=
 * &lt;dir&gt;/members/&lt;name&gt;  a member state (see MemberStateFormat) plus session= and expires-at=
 * </pre>
 */
final class CoordinationDirectory {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final ReentrantLock jvmLock;

    CoordinationDirectory(Path root) {
        try {
            Files.createDirectories(root.resolve("members"));
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot create the coordination directory " + root
                    + " (embedded.dir): " + e.getMessage() + "; check that its parent exists and is writable", e);
        }
        this.jvmLock = JVM_LOCKS.computeIfAbsent(this.root, p -> new ReentrantLock());
    }

    Path root() {
        return root;
    }

    Path file(String name) {
        return root.resolve(name);
    }

    Path member(String node) {
        return root.resolve("members").resolve(node);
    }

    /** Runs an action holding the directory's lock, against every process and thread of the machine. */
    <T> T locked(Supplier<T> action) {
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return action.get();
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot lock " + root.resolve("lock") + ": " + e.getMessage()
                    + "; check that the coordination directory is on a local file system and writable", e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** The keys and values of a file, or empty if it does not exist. */
    Optional<Map<String, String>> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(MemberStateFormat.parseText(text, file.toString()));
    }

    /** Replaces a file atomically: readers see the old or the new content, never a part. */
    void write(Path file, Map<String, String> values) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(MemberStateFormat.toText(values).getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically", e);
            }
            syncDirectory(file.getParent());
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage()
                    + "; check free space and permissions of the coordination directory", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temporary file is never read (its name starts with a dot)
            }
        }
    }

    void delete(Path file) {
        try {
            Files.deleteIfExists(file);
            syncDirectory(file.getParent());
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename durable; some file systems cannot open a directory for this, which only costs durability
        // across a power loss, not atomicity.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // see above
        }
    }
}
