package org.resilient.https;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.PosixModes;

/**
 * What a transfer moves: every entry of a backup directory, paths relative to it, in the MANIFEST format
 * ({@link ManifestCodec}). The {@code data/} entries are the MANIFEST's own (size, mode, time, SHA-256 as the
 * export recorded them); {@code data}, {@code MANIFEST} and {@code SIGNATURE} themselves are added from the
 * file system, the two files with their SHA-256. A receiver checks every file it copies against this.
 */
final class Listing {
    private Listing() {
    }

    /**
     * Lists a published (or local) backup directory.
     *
     * @param backupDir the backup
     * @return the listing, whose header is the MANIFEST's
     * @throws ResilienceException {@code MANIFEST_INVALID} if the MANIFEST is malformed, {@code IO_ERROR} if unreadable
     */
    static Manifest of(Path backupDir) {
        Path manifestFile = NodeLayout.manifest(backupDir);
        try {
            Manifest m = ManifestCodec.read(Files.readAllBytes(manifestFile));
            List<ManifestEntry> entries = new ArrayList<>();
            Path data = NodeLayout.data(backupDir);
            entries.add(ManifestEntry.directory(NodeLayout.DATA, PosixModes.mode(data), mtime(data)));
            entries.add(file(manifestFile));
            Path signature = NodeLayout.signature(backupDir);
            if (Files.isRegularFile(signature, LinkOption.NOFOLLOW_LINKS)) {
                entries.add(file(signature));
            }
            Path manifestSignature = NodeLayout.manifestSignature(backupDir);
            if (Files.isRegularFile(manifestSignature, LinkOption.NOFOLLOW_LINKS)) {
                entries.add(file(manifestSignature));
            }
            for (ManifestEntry e : m.entries()) {
                entries.add(new ManifestEntry(NodeLayout.DATA + "/" + e.path(), e.type(), e.size(), e.mode(),
                        e.modified(), e.sha256(), e.linkTarget()));
            }
            return new Manifest(m.backupId(), m.component(), m.sourceNode(), m.epoch(), m.created(), entries);
        } catch (IOException e) {
            throw Fs.ioError("list the backup", backupDir, e);
        }
    }

    /**
     * Checks that a listing's {@code data/} entries are exactly those of the MANIFEST it lists (a receiver's check
     * that a pushed listing does not describe other files than the backup's own).
     *
     * @param listing the listing
     * @param manifestBytes the MANIFEST file received
     * @throws ResilienceException {@code VERIFICATION_FAILED} if they differ
     */
    static void checkAgainstManifest(Manifest listing, byte[] manifestBytes) {
        Manifest m = ManifestCodec.read(manifestBytes);
        List<ManifestEntry> data = new ArrayList<>();
        for (ManifestEntry e : listing.entries()) {
            if (e.path().startsWith(NodeLayout.DATA + "/")) {
                data.add(new ManifestEntry(e.path().substring(NodeLayout.DATA.length() + 1), e.type(), e.size(),
                        e.mode(), e.modified(), e.sha256(), e.linkTarget()));
            }
        }
        if (!data.equals(m.entries()) || !m.backupId().equals(listing.backupId())) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "the listing of backup "
                    + listing.backupId() + " does not match its MANIFEST; the backup is damaged or forged");
        }
    }

    /**
     * Gives every entry under {@code root} its listed mode and time: files and links first, then directories
     * deepest first (writing into a directory changes its time).
     *
     * @param root the copy
     * @param listing its listing
     * @throws IOException if a mode or time cannot be set
     */
    static void applyMetadata(Path root, Manifest listing) throws IOException {
        List<ManifestEntry> dirs = new ArrayList<>();
        for (ManifestEntry e : listing.entries()) {
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
                case DIRECTORY -> dirs.add(e);
            }
        }
        for (int i = dirs.size() - 1; i >= 0; i--) {
            ManifestEntry e = dirs.get(i);
            Path p = root.resolve(e.path());
            Files.setPosixFilePermissions(p, PosixModes.permissions(e.mode()));
            setTime(p, e);
        }
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
