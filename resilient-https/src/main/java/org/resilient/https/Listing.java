package org.resilient.https;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.PosixModes;

/**
 * What a transfer moves: every entry of a backup directory, paths relative to it, in the MANIFEST format
 * ({@link ManifestCodec}), sorted by path. The {@code data/} entries are the MANIFEST's own (size, mode, time,
 * SHA-256 as the export recorded them); {@code data}, {@code MANIFEST} and {@code SIGNATURE} themselves are added
 * from the file system, the two files with their SHA-256. A receiver checks every file it copies against this.
 * A listing is written and read entry by entry (a backup may hold millions of files): never held whole.
 */
final class Listing {
    private Listing() {
    }

    /**
     * Writes the listing of a published (or local) backup directory, entry by entry.
     *
     * @param backupDir the backup
     * @param out where it goes (not closed; flushed)
     * @return the backup's id, as its MANIFEST says
     * @throws ResilienceException {@code MANIFEST_INVALID} if the MANIFEST is malformed, {@code IO_ERROR} if unreadable
     */
    static BackupId write(Path backupDir, OutputStream out) {
        Path manifestFile = NodeLayout.manifest(backupDir);
        try (InputStream in = Files.newInputStream(manifestFile); ManifestStream m = ManifestCodec.open(in)) {
            // The top-level entries sort before "data/..." (upper case before lower case): the listing stays sorted.
            List<ManifestEntry> top = new ArrayList<>();
            top.add(file(manifestFile));
            Path manifestSignature = NodeLayout.manifestSignature(backupDir);
            if (Files.isRegularFile(manifestSignature, LinkOption.NOFOLLOW_LINKS)) {
                top.add(file(manifestSignature));
            }
            Path signature = NodeLayout.signature(backupDir);
            if (Files.isRegularFile(signature, LinkOption.NOFOLLOW_LINKS)) {
                top.add(file(signature));
            }
            Path data = NodeLayout.data(backupDir);
            top.add(ManifestEntry.directory(NodeLayout.DATA, PosixModes.mode(data), mtime(data)));
            Writer w = new java.io.OutputStreamWriter(new BufferedOutputStream(nonClosing(out), 1 << 16),
                    StandardCharsets.UTF_8);
            w.write(ManifestCodec.header(m.header(), (long) m.count() + top.size()));
            for (ManifestEntry e : top) {
                w.write(ManifestCodec.line(e));
            }
            for (ManifestEntry e = m.next(); e != null; e = m.next()) {
                w.write(ManifestCodec.line(inData(e)));
            }
            w.close();
            return m.header().backupId();
        } catch (IOException e) {
            throw Fs.ioError("list the backup", backupDir, e);
        }
    }

    /**
     * Writes the listing of a backup into a file (for a pusher, which sends it and then walks it).
     *
     * @param backupDir the backup
     * @param file the file to write
     * @return the backup's id
     * @throws IOException if the file cannot be written
     */
    static BackupId spill(Path backupDir, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            return write(backupDir, out);
        }
    }

    /**
     * Opens a listing received or spilled into a file, to be read entry by entry.
     *
     * @param listing the file
     * @return the stream (its header read and checked); closing it closes the file
     * @throws IOException if the file cannot be read
     */
    static ManifestStream open(Path listing) throws IOException {
        InputStream in = Files.newInputStream(listing);
        try {
            return ManifestCodec.open(in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Checks that a listing's {@code data/} entries are exactly those of the MANIFEST it lists (a receiver's check
     * that a pushed listing does not describe other files than the backup's own), both read entry by entry.
     *
     * @param listing the listing file
     * @param manifest the MANIFEST file received
     * @throws ResilienceException {@code VERIFICATION_FAILED} if they differ
     * @throws IOException if either cannot be read
     */
    static void checkAgainstManifest(Path listing, Path manifest) throws IOException {
        try (ManifestStream l = open(listing); ManifestStream m = open(manifest)) {
            boolean same = m.header().backupId().equals(l.header().backupId());
            ManifestEntry want = m.next();
            for (ManifestEntry e = l.next(); same && e != null; e = l.next()) {
                if (e.path().startsWith(NodeLayout.DATA + "/")) {
                    same = want != null && outOfData(e).equals(want);
                    want = same ? m.next() : want;
                }
            }
            if (!same || want != null) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "the listing of backup "
                        + l.header().backupId() + " does not match its MANIFEST; the backup is damaged or forged");
            }
        }
    }

    /**
     * Gives every entry under {@code root} its listed mode and time: files and links as they come, each directory
     * once its last entry has passed (writing into a directory changes its time, and a directory without write or
     * search permission would refuse its entries' changes). Only the directories whose entries may still come are
     * held.
     *
     * @param root the copy
     * @param listing its listing file
     * @throws IOException if a mode or time cannot be set
     */
    static void applyMetadata(Path root, Path listing) throws IOException {
        try (ManifestStream s = open(listing)) {
            TreeMap<String, ManifestEntry> open = new TreeMap<>();
            for (ManifestEntry e = s.next(); e != null; e = s.next()) {
                closeDirectories(root, open, e.path());
                Path p = root.resolve(e.path());
                switch (e.type()) {
                    case FILE -> {
                        Files.setPosixFilePermissions(p, PosixModes.permissions(e.mode()));
                        setTime(p, e);
                    }
                    case SYMLINK -> {
                        try {
                            setTime(p, e);
                        } catch (IOException | UnsupportedOperationException x) {
                            // Some platforms cannot set a link's own time; its target text is what matters.
                        }
                    }
                    case DIRECTORY -> open.put(e.path() + "/", e);
                }
            }
            closeDirectories(root, open, null);
        }
    }

    /** Applies the directories whose block of entries ended before {@code next} (all with null), deepest first. */
    private static void closeDirectories(Path root, TreeMap<String, ManifestEntry> open, String next)
            throws IOException {
        for (Map.Entry<String, ManifestEntry> d = open.lastEntry(); d != null; d = open.lowerEntry(d.getKey())) {
            if (next != null && (next.startsWith(d.getKey()) || next.compareTo(d.getKey()) < 0)) {
                continue;
            }
            open.remove(d.getKey());
            Path p = root.resolve(d.getValue().path());
            Files.setPosixFilePermissions(p, PosixModes.permissions(d.getValue().mode()));
            setTime(p, d.getValue());
        }
    }

    private static ManifestEntry inData(ManifestEntry e) {
        return new ManifestEntry(NodeLayout.DATA + "/" + e.path(), e.type(), e.size(), e.mode(), e.modified(),
                e.sha256(), e.linkTarget());
    }

    private static ManifestEntry outOfData(ManifestEntry e) {
        return new ManifestEntry(e.path().substring(NodeLayout.DATA.length() + 1), e.type(), e.size(), e.mode(),
                e.modified(), e.sha256(), e.linkTarget());
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    private static ManifestEntry file(Path f) throws IOException {
        return ManifestEntry.file(f.getFileName().toString(), Files.size(f), PosixModes.mode(f), mtime(f), Fs.sha256Hex(f));
    }

    private static void setTime(Path p, ManifestEntry e) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(e.modified()), null, null);
    }

    private static java.time.Instant mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
    }
}
