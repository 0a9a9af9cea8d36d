package org.resilient.cli.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * At most one daemon per node: an OS lock on {@code state/daemon.lock}, held while the daemon runs and released
 * by the OS when it dies (so a killed daemon never blocks the next start). The file says who holds it. It is
 * not the node's work lock: commands and {@code status} never wait for it.
 */
final class DaemonLock implements AutoCloseable {
    /** The lock file's name in the node's {@code state/}. */
    static final String FILE = "daemon.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DaemonLock acquire(Path stateDir, String node) {
        Path file = stateDir.resolve(FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(stateDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                String holder = Files.readString(file).trim().replace('\n', ' ');
                ch.close();
                throw new ResilienceException(ErrorCode.LOCKED, "node " + node + " already runs (" + holder + "; lock "
                        + file + "); stop that process first, or use 'resilient export|pull|import|status -c' to ask it");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid=" + ProcessHandle.current().pid() + "\nsince=" + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new DaemonLock(ch, lock);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the open failed or the lock was not taken; nothing to release
                }
            }
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot lock " + file + ": " + e
                    + "; check that the node directory is writable by this user", e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock anyway, and so does the process's end
        }
    }
}
