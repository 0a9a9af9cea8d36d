package org.resilient.core.manifest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.NodeLayout;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.hash.Sha256;

/**
 * Writes the MANIFEST and SIGNATURE of a backup from entries given one at a time, in manifest order, without holding
 * them: the entry lines and the signature lines are spilled to two temporary files in the backup directory (the
 * MANIFEST's header announces the entry count, known only at the end), then each file is written atomically as its
 * header followed by its spill. The temporary files are removed by {@link #close()}, whatever happened.
 */
final class ManifestWriter implements AutoCloseable {
    private final Path backupDir;
    private final Path entrySpill;
    private final Path signatureSpill;
    private final Writer entries;
    private final Writer signature;
    private long count;
    private long files;
    private long bytes;

    ManifestWriter(Path backupDir) {
        this.backupDir = backupDir;
        this.entrySpill = AtomicFiles.tempSibling(NodeLayout.manifest(backupDir));
        this.signatureSpill = AtomicFiles.tempSibling(NodeLayout.signature(backupDir));
        try {
            this.entries = spill(entrySpill);
            this.signature = spill(signatureSpill);
        } catch (IOException e) {
            close();
            throw AtomicFiles.ioError("create", entrySpill, e);
        }
    }

    private static Writer spill(Path p) throws IOException {
        return new BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(p), StandardCharsets.UTF_8),
                1 << 16);
    }

    /**
     * Adds the next entry (entries must come in manifest order: {@link TreeScanner#walk} gives them so).
     *
     * @param e the entry
     */
    void add(ManifestEntry e) {
        try {
            entries.write(ManifestCodec.line(e));
            count++;
            if (e.type() == ManifestEntry.Type.FILE) {
                files++;
                bytes += e.size();
                signature.write(e.sha256() + "  " + NodeLayout.DATA + "/" + e.path() + "\n");
            }
        } catch (IOException x) {
            throw AtomicFiles.ioError("write", entrySpill, x);
        }
    }

    /**
     * Writes MANIFEST then SIGNATURE, each atomically.
     *
     * @param header what the backup is (its entries are ignored: they are the ones added)
     * @return the summary and the MANIFEST's digest
     */
    SealedBackup finish(Manifest header) {
        Path manifestFile = NodeLayout.manifest(backupDir);
        MessageDigest md = Sha256.newDigest();
        try {
            entries.close();
            signature.close();
            byte[] head = ManifestCodec.header(header, count).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(manifestFile, out -> {
                md.reset();
                OutputStream d = new DigestOutputStream(out, md);
                d.write(head);
                copy(entrySpill, d);
                d.flush();
            });
            String digest = Sha256.hex(md.digest());
            byte[] first = (digest + "  " + NodeLayout.MANIFEST + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(NodeLayout.signature(backupDir), out -> {
                out.write(first);
                copy(signatureSpill, out);
            });
            return new SealedBackup(backupDir, ManifestSummary.of(header, files, bytes), digest);
        } catch (IOException e) {
            throw AtomicFiles.ioError("write", manifestFile, e);
        }
    }

    private static void copy(Path from, OutputStream to) throws IOException {
        try (InputStream in = Files.newInputStream(from)) {
            in.transferTo(to);
        }
    }

    @Override
    public void close() {
        try {
            if (entries != null) {
                entries.close();
            }
            if (signature != null) {
                signature.close();
            }
        } catch (IOException e) {
            // the spills are deleted below; nothing of them is used
        }
        AtomicFiles.deleteQuietly(entrySpill);
        AtomicFiles.deleteQuietly(signatureSpill);
    }
}
