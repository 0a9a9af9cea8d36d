package org.resilient.core.manifest;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.resilient.api.NodeLayout;
import org.resilient.support.fs.AtomicFiles;

/**
 * The data digests of a SIGNATURE file, looked up in manifest order. A SIGNATURE as the sealer writes it (MANIFEST
 * first, then the data files in manifest order) is read line by line alongside the MANIFEST, so a backup of millions
 * of files is checked without holding its digests; any other order (a SIGNATURE made by hand, say) is read into a
 * map, as before.
 */
final class SignatureFile implements AutoCloseable {
    private final BufferedReader reader;
    private final Map<String, String> all;
    private final String manifestDigest;
    private final long dataFiles;
    private String[] current;
    private int lineNumber;

    private SignatureFile(BufferedReader reader, Map<String, String> all, String manifestDigest, long dataFiles) {
        this.reader = reader;
        this.all = all;
        this.manifestDigest = manifestDigest;
        this.dataFiles = dataFiles;
    }

    /**
     * Opens a SIGNATURE: one pass checks every line and whether the order is the sealer's.
     *
     * @param file the SIGNATURE
     * @return it, ready for lookups in manifest order
     * @throws org.resilient.api.ResilienceException {@code MANIFEST_INVALID} for a malformed line or a path listed
     *     twice, {@code IO_ERROR} if it cannot be read
     */
    static SignatureFile open(Path file) {
        try {
            String manifestDigest = null;
            String previous = null;
            boolean ordered = true;
            long data = 0;
            int n = 0;
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] e = Signature.line(line, ++n);
                    if (e == null) {
                        continue;
                    }
                    if (e[1].equals(NodeLayout.MANIFEST)) {
                        ordered &= data == 0 && manifestDigest == null;
                        if (manifestDigest != null) {
                            throw Signature.duplicate(n, e[1]);
                        }
                        manifestDigest = e[0];
                    } else {
                        data++;
                        if (previous != null && previous.compareTo(e[1]) >= 0) {
                            ordered = false;
                        }
                        previous = e[1];
                    }
                }
            }
            if (ordered) {
                BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                SignatureFile s = new SignatureFile(r, null, manifestDigest, data);
                s.advance();
                return s;
            }
            Map<String, String> all = Signature.read(Files.readAllBytes(file));
            return new SignatureFile(null, all, all.get(NodeLayout.MANIFEST), data);
        } catch (java.nio.charset.MalformedInputException e) {
            throw Signature.notText();
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", file, e);
        }
    }

    /** @return the MANIFEST's digest as listed, or null if not listed */
    String manifestDigest() {
        return manifestDigest;
    }

    /** @return how many data files are listed */
    long dataFiles() {
        return dataFiles;
    }

    /**
     * The listed digest of a data file; calls must come in manifest order.
     *
     * @param path the path in the backup directory ({@code data/...})
     * @return the hex digest, or null if not listed
     */
    String digest(String path) throws IOException {
        if (all != null) {
            return all.get(path);
        }
        while (current != null && current[1].compareTo(path) < 0) {
            advance();
        }
        if (current != null && current[1].equals(path)) {
            String hex = current[0];
            advance();
            return hex;
        }
        return null;
    }

    private void advance() throws IOException {
        do {
            String line = reader.readLine();
            current = line == null ? null : Signature.line(line, ++lineNumber);
        } while (current != null && current[1].equals(NodeLayout.MANIFEST));
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }
}
