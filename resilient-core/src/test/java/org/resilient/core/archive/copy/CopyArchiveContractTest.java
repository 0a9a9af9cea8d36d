package org.resilient.core.archive.copy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.DisplayName;
import org.resilient.api.Generation;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.core.archive.copy.CopyArchiveProvider;
import org.resilient.testkit.ArchiveContract;
import org.resilient.support.lock.LockHolder;

@DisplayName("copy archive: archive contract")
class CopyArchiveContractTest extends ArchiveContract {
    @Override
    protected Archive openArchive(Path dir, boolean create) {
        return new CopyArchiveProvider().open(URI.create("copy:" + dir.toAbsolutePath()), Settings.empty(), create);
    }

    /** Writes a lock naming this host and the pid of a process that has ended. */
    @Override
    protected boolean leaveStaleLock(Path dir) {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            Files.writeString(dir.resolve("lock"), "host=" + LockHolder.hostName() + "\npid=" + p.pid()
                    + "\nprocess-start=" + p.info().startInstant().map(Object::toString).orElse("")
                    + "\nsince=2026-01-01T00:00:00Z\ntoken=crashed\n");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Flips one byte in the middle of the generation's copy of the largest sample file, keeping its size. */
    @Override
    protected boolean damage(Path dir, Generation generation) {
        Path file = dir.resolve("generations").resolve(generation.id()).resolve("backup/data/deep/er/est/big.bin");
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long at = ch.size() / 2;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            ch.write(b, at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }
}
