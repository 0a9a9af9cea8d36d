package org.resilient.archive;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import org.resilient.api.Generation;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.tree.GenerationFile;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.archive.tree.TreeReader;
import org.resilient.testkit.ArchiveContract;
import org.resilient.support.lock.LockHolder;

/** The dir archive passes the archive contract kit. */
class DirArchiveContractTest extends ArchiveContract {
    @Override
    protected Archive openArchive(Path dir, boolean create) {
        return new DirArchiveProvider().open(URI.create("dir:" + dir.toAbsolutePath()), Settings.empty(), create);
    }

    /** Writes the lock of a writer whose process is gone (a short-lived child that has exited). */
    @Override
    protected boolean leaveStaleLock(Path dir) {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            java.nio.file.Files.writeString(dir.resolve("lock"), "host=" + LockHolder.hostName() + "\npid="
                    + p.pid() + "\nstart=" + java.time.Instant.now() + "\noperation=store\ntoken=crashed\n");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Flips a byte in the middle of the first chunk of the generation's first non-empty file. */
    @Override
    protected boolean damage(Path dir, Generation generation) {
        Layout layout = new Layout(dir.toAbsolutePath());
        try {
            TreeReader tree = GenerationFile.openTree(layout.generation(generation.id()));
            RepoIndex index = RepoIndex.load(layout);
            for (TreeEntry e = tree.next(); e != null; e = tree.next()) {
                if (e.chunkCount() > 0) {
                    int slot = index.chunks().find(e.hash(0));
                    Path pack = layout.pack(index.packName(index.chunks().pack(slot)));
                    long at = index.chunks().offset(slot) + index.chunks().storedLength(slot) / 2;
                    try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
                        f.seek(at);
                        int b = f.read();
                        f.seek(at);
                        f.write(b ^ 0x01);
                    }
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
