package org.resilient.archive.tree;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.Generation;
import org.resilient.support.hash.Sha256;
import org.resilient.archive.pack.PackDamagedException;
import org.resilient.archive.pack.PackVersionException;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.archive.repo.PropertiesText;

/**
 * A generation file: its tree (zstd-compressed) and its metadata, with a checksum over the whole.
 *
 * <pre>
 * "RSGEN" version(1) treeLength(8) tree(zstd) metadata(properties, UTF-8) metadataLength(4) sha256(32)
 * </pre>
 * The metadata sits at the end so that listing generations reads a few hundred bytes per generation.
 */
public final class GenerationFile {
    /**
     * The newest format version this build reads. Version 2 trees may hold files with whole-file digests, version 3
     * trees files with chunk checksums, version 4 trees files with their inode and change time (the files cache); a
     * generation without any of these is still written as version 1 (and one with digests only as 2, with checksums
     * as 3), so older builds keep reading such archives.
     */
    public static final int VERSION = 4;
    private static final byte[] MAGIC = "RSGEN".getBytes(StandardCharsets.US_ASCII);
    private static final int TAIL = 4 + 32;

    private GenerationFile() {
    }

    /**
     * Writes a generation file atomically.
     *
     * @param file the target
     * @param tree the finished compressed tree
     * @param g the generation
     * @param version the format version the tree needs: 1, 2 with whole-file digests, 3 with chunk
     *                checksums, 4 with inodes and change times
     * @throws IOException on failure
     */
    public static void write(Path file, Path tree, Generation g, int version) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException("generation format " + version);
        }
        byte[] meta = metadata(g);
        AtomicFiles.write(file, raw -> {
            MessageDigest md = Sha256.newDigest();
            DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, md));
            out.write(MAGIC);
            out.writeByte(version);
            out.writeLong(Files.size(tree));
            Files.copy(tree, out);
            out.write(meta);
            out.writeInt(meta.length);
            out.flush();
            raw.write(md.digest());
        });
    }

    private static byte[] metadata(Generation g) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("id", g.id());
        p.put("backup", g.backupId().value());
        p.put("time", g.time().toString());
        p.put("source", g.sourceNode());
        p.put("epoch", Long.toString(g.epoch().value()));
        p.put("manifest", g.manifestDigest() == null ? "" : g.manifestDigest());
        p.put("files", Long.toString(g.fileCount()));
        p.put("logical", Long.toString(g.logicalBytes()));
        p.put("new", Long.toString(g.newBytes()));
        p.put("stored", Long.toString(g.storedBytes()));
        // Read back with Properties.load; the bytes depend only on the generation.
        return PropertiesText.format(p).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a generation's metadata (without reading its tree).
     *
     * @param file the generation file
     * @return the generation
     * @throws PackDamagedException if the file is damaged, {@link PackVersionException} if newer
     * @throws IOException on a read failure
     */
    public static Generation readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            checkHeader(ch, size, file);
            ByteBuffer tail = read(ch, size - TAIL, 4);
            int metaLength = tail.getInt();
            if (metaLength <= 0 || metaLength > size - MAGIC.length - 9 - TAIL) {
                throw new PackDamagedException("generation file " + file.getFileName() + " is damaged (bad length)");
            }
            byte[] meta = read(ch, size - TAIL - metaLength, metaLength).array();
            return parse(meta, file);
        }
    }

    private static void checkHeader(FileChannel ch, long size, Path file) throws IOException {
        if (size < MAGIC.length + 9 + TAIL) {
            throw new PackDamagedException("generation file " + file.getFileName() + " is truncated");
        }
        ByteBuffer head = read(ch, 0, MAGIC.length + 1);
        byte[] magic = new byte[MAGIC.length];
        head.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new PackDamagedException("generation file " + file.getFileName() + " is not a generation (bad header)");
        }
        int version = head.get() & 0xff;
        if (version > VERSION) {
            throw new PackVersionException("generation file " + file.getFileName() + " has format version "
                    + version + ", newer than " + VERSION + " understood by this build");
        }
    }

    private static Generation parse(byte[] meta, Path file) throws PackDamagedException {
        try {
            Properties p = new Properties();
            p.load(new StringReader(new String(meta, StandardCharsets.UTF_8)));
            String manifest = p.getProperty("manifest");
            return new Generation(p.getProperty("id"), new BackupId(p.getProperty("backup")),
                    Instant.parse(p.getProperty("time")), p.getProperty("source"),
                    new Epoch(Long.parseLong(p.getProperty("epoch"))),
                    manifest == null || manifest.isEmpty() ? null : manifest,
                    Long.parseLong(p.getProperty("files")), Long.parseLong(p.getProperty("logical")),
                    Long.parseLong(p.getProperty("new")), Long.parseLong(p.getProperty("stored")));
        } catch (RuntimeException | IOException e) {
            throw new PackDamagedException("generation file " + file.getFileName() + " has damaged metadata: " + e);
        }
    }

    /**
     * Reads the whole file, checks its checksum, and opens its tree.
     *
     * @param file the generation file
     * @return a reader of its tree
     * @throws PackDamagedException if it is damaged
     * @throws IOException on a read failure
     */
    public static TreeReader openTree(Path file) throws IOException {
        return readTree(file).get();
    }

    /**
     * Reads the whole file and checks its checksum once, for reading its tree several times (a restore reads
     * it once to find damage before writing anything, then again to write).
     *
     * @param file the generation file
     * @return a source of new readers of its tree, each from the start
     * @throws PackDamagedException if it is damaged
     * @throws IOException on a read failure
     */
    public static java.util.function.Supplier<TreeReader> readTree(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            checkHeader(ch, all.length, file);
        }
        MessageDigest md = Sha256.newDigest();
        md.update(all, 0, all.length - 32);
        if (!Arrays.equals(md.digest(), Arrays.copyOfRange(all, all.length - 32, all.length))) {
            throw new PackDamagedException("generation file " + file.getFileName() + " fails its checksum");
        }
        long treeLength = ByteBuffer.wrap(all, MAGIC.length + 1, 8).getLong();
        int treeStart = MAGIC.length + 9;
        if (treeLength < 0 || treeLength > all.length - treeStart - TAIL) {
            throw new PackDamagedException("generation file " + file.getFileName() + " is damaged (tree length)");
        }
        return () -> {
            try {
                InputStream tree = new ByteArrayInputStream(all, treeStart, (int) treeLength);
                return new TreeReader(new BufferedInputStream(new ZstdInputStream(tree), 1 << 16));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // not thrown: the source is in memory
            }
        };
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new PackDamagedException("generation file is truncated");
            }
        }
        return b.flip();
    }
}
