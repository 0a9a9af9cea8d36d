package org.resilient.archive.pack;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.ThreadLocalRandom;
import org.resilient.support.hash.Sha256;
import org.resilient.support.fs.AtomicFiles;

/**
 * Writes one pack: chunks are appended to a temporary file; {@link #finish()} adds the trailer, forces the
 * file to disk and renames it into the packs directory. An unfinished pack is never visible.
 */
public final class PackWriter implements AutoCloseable {
    private final Path dir;
    private final String name;
    private final Path temp;
    private final FileChannel channel;
    private final ByteArrayOutputStream trailerBytes = new ByteArrayOutputStream();
    private final DataOutputStream trailer = new DataOutputStream(trailerBytes);
    private long position;
    private int count;
    private boolean finished;

    /**
     * Starts a pack in a directory.
     *
     * @param dir the packs directory
     * @throws IOException on failure
     */
    public PackWriter(Path dir) throws IOException {
        this.dir = dir;
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        this.name = Sha256.hex(id);
        this.temp = dir.resolve(".tmp-" + name + PackFormat.SUFFIX);
        this.channel = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), org.resilient.support.fs.FileModes.fileAttribute());
        java.nio.file.Files.setPosixFilePermissions(temp, org.resilient.support.fs.FileModes.file());
        ByteBuffer header = ByteBuffer.allocate(PackFormat.HEADER);
        header.put(PackFormat.MAGIC).put((byte) PackFormat.VERSION).flip();
        writeFully(header);
    }

    /**
     * The pack's name.
     *
     * @return the name (file name without suffix)
     */
    public String name() {
        return name;
    }

    /**
     * Bytes written so far.
     *
     * @return the size
     */
    public long size() {
        return position;
    }

    /**
     * The number of chunks appended.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * Appends a chunk.
     *
     * @param hash its SHA-256
     * @param stored the stored bytes
     * @param storedLength how many of them
     * @param rawLength the chunk's content length
     * @param compressed whether the stored bytes are a zstd frame
     * @return the offset of the stored bytes in the pack
     * @throws IOException on failure
     */
    public long append(byte[] hash, byte[] stored, int storedLength, int rawLength, boolean compressed)
            throws IOException {
        long offset = position;
        writeFully(ByteBuffer.wrap(stored, 0, storedLength));
        trailer.write(hash);
        trailer.writeLong(offset);
        trailer.writeInt(storedLength);
        trailer.writeInt(rawLength);
        trailer.writeByte(compressed ? PackFormat.FLAG_ZSTD : 0);
        count++;
        return offset;
    }

    /**
     * Writes the trailer, forces the pack to disk and renames it into place.
     *
     * @return the final size of the pack
     * @throws IOException on failure
     */
    public long finish() throws IOException {
        trailer.writeInt(count);
        trailer.flush();
        byte[] body = trailerBytes.toByteArray();
        MessageDigest md = Sha256.newDigest();
        md.update(body);
        ByteBuffer tail = ByteBuffer.allocate(body.length + 32 + PackFormat.END.length);
        tail.put(body).put(md.digest()).put(PackFormat.END).flip();
        writeFully(tail);
        channel.force(true);
        channel.close();
        AtomicFiles.move(temp, dir.resolve(name + PackFormat.SUFFIX));
        finished = true;
        return position;
    }

    /**
     * The entries written, as the trailer lists them (valid after {@link #finish()}).
     *
     * @return the entries
     */
    public PackEntries entries() {
        return PackEntries.decode(name, position, ByteBuffer.wrap(trailerBytes.toByteArray()), count);
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            position += channel.write(b);
        }
    }

    /** Abandons an unfinished pack, deleting its temporary file. */
    @Override
    public void close() {
        if (!finished) {
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Left-over temporary packs are removed by the next writer.
            }
        }
    }
}
