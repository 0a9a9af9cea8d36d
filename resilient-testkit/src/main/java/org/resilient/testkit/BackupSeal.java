package org.resilient.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;

/**
 * Writes and checks the MANIFEST and SIGNATURE of a backup directory in the public formats ({@link ManifestCodec};
 * SIGNATURE in {@code sha256sum} form, {@code <hex>  <path>} per line, MANIFEST first), the way an export node
 * and an import node do, with the API alone.
 */
final class BackupSeal {
    private BackupSeal() {
    }

    /**
     * Every entry of a tree, sorted by path: files with size, mode, time and SHA-256; directories; links.
     *
     * @param root the tree (its own entry is not listed)
     * @return the entries
     */
    static List<ManifestEntry> scan(Path root) {
        List<ManifestEntry> out = new ArrayList<>();
        try {
            Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                    if (!dir.equals(root)) {
                        out.add(ManifestEntry.directory(rel(root, dir), KitFiles.mode(dir), a.lastModifiedTime().toInstant()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Instant time = a.lastModifiedTime().toInstant();
                    if (a.isSymbolicLink()) {
                        out.add(ManifestEntry.symlink(rel(root, f), time, Files.readSymbolicLink(f).toString()));
                    } else if (a.isRegularFile()) {
                        out.add(ManifestEntry.file(rel(root, f), a.size(), KitFiles.mode(f), time, KitFiles.sha256(f)));
                    } else {
                        throw new IOException(f + " is not a regular file, directory or symbolic link");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw KitFiles.ioError("read", root, e);
        }
        out.sort(null);
        return out;
    }

    /**
     * Hashes {@code data/} and writes MANIFEST then SIGNATURE, each atomically.
     *
     * @param backupDir the backup directory holding {@code data/}
     * @param id the backup id
     * @param component the component name
     * @param node the exporting node
     * @param epoch the epoch
     * @param created when the export started
     * @return the sealed backup
     */
    static BackupDir seal(Path backupDir, BackupId id, String component, String node, Epoch epoch, Instant created) {
        Manifest manifest = new Manifest(id, component, node, epoch, created, scan(NodeLayout.data(backupDir)), 0);
        byte[] bytes = ManifestCodec.write(manifest);
        String digest = KitFiles.sha256(bytes);
        KitFiles.write(NodeLayout.manifest(backupDir), bytes);
        StringBuilder sig = new StringBuilder(digest + "  " + NodeLayout.MANIFEST + "\n");
        for (ManifestEntry e : manifest.entries()) {
            if (e.type() == ManifestEntry.Type.FILE) {
                sig.append(e.sha256()).append("  ").append(NodeLayout.DATA).append('/').append(e.path()).append('\n');
            }
        }
        KitFiles.write(NodeLayout.signature(backupDir), sig.toString().getBytes(StandardCharsets.UTF_8));
        return new BackupDir(backupDir, manifest, digest);
    }

    /**
     * Checks every byte of a backup directory against its MANIFEST and SIGNATURE; reports every problem at once.
     *
     * @param backupDir the backup directory
     * @return the verified backup
     * @throws ResilienceException {@code VERIFICATION_FAILED} naming what differs
     */
    static BackupDir verify(Path backupDir) {
        List<String> problems = new ArrayList<>();
        byte[] manifestBytes = read(NodeLayout.manifest(backupDir), problems);
        byte[] signatureBytes = read(NodeLayout.signature(backupDir), problems);
        if (!problems.isEmpty()) {
            throw failed(backupDir, problems);
        }
        Map<String, String> signature = parseSignature(backupDir, signatureBytes);
        String digest = KitFiles.sha256(manifestBytes);
        if (!digest.equals(signature.get(NodeLayout.MANIFEST))) {
            throw failed(backupDir, List.of("MANIFEST does not match its digest in SIGNATURE"));
        }
        Manifest manifest = ManifestCodec.read(manifestBytes);
        try (Stream<Path> s = Files.list(backupDir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> !Set.of(NodeLayout.MANIFEST, NodeLayout.SIGNATURE, NodeLayout.DATA).contains(n))
                    .sorted().forEach(n -> problems.add(n + " was added (not part of a backup)"));
        } catch (IOException e) {
            throw KitFiles.ioError("list", backupDir, e);
        }
        Map<String, String> signedFiles = new LinkedHashMap<>(signature);
        signedFiles.remove(NodeLayout.MANIFEST);
        Map<String, ManifestEntry> found = new LinkedHashMap<>();
        Path data = NodeLayout.data(backupDir);
        if (Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
            scan(data).forEach(e -> found.put(e.path(), e));
        } else {
            problems.add("data/ is missing");
        }
        for (ManifestEntry want : manifest.entries()) {
            String where = NodeLayout.DATA + "/" + want.path();
            if (want.type() == ManifestEntry.Type.FILE && !want.sha256().equals(signedFiles.remove(where))) {
                problems.add("SIGNATURE and MANIFEST disagree on " + where);
            }
            ManifestEntry got = found.remove(want.path());
            if (got == null) {
                problems.add(where + " was removed");
            } else if (!sameContent(got, want)) {
                problems.add(where + " differs: " + got + ", expected " + want);
            }
        }
        signedFiles.keySet().forEach(p -> problems.add("SIGNATURE lists " + p + ", MANIFEST does not"));
        found.keySet().forEach(p -> problems.add("data/" + p + " was added (not in MANIFEST)"));
        if (!problems.isEmpty()) {
            throw failed(backupDir, problems);
        }
        return new BackupDir(backupDir, manifest, digest);
    }

    // What a verifying node checks: content and link targets; directory modes and times are not part of it.
    private static boolean sameContent(ManifestEntry got, ManifestEntry want) {
        return got.type() == want.type() && switch (want.type()) {
            case FILE -> got.size() == want.size() && got.sha256().equals(want.sha256());
            case SYMLINK -> got.linkTarget().equals(want.linkTarget());
            case DIRECTORY -> true;
        };
    }

    private static Map<String, String> parseSignature(Path backupDir, byte[] bytes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).lines().toList()) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}") || !line.startsWith("  ", 64)) {
                throw new ResilienceException(ErrorCode.MANIFEST_INVALID, "backup " + backupDir
                        + ": SIGNATURE line '" + line + "' is not '<64 hex digits>  <path>'");
            }
            out.put(line.substring(66), line.substring(0, 64));
        }
        return out;
    }

    private static byte[] read(Path file, List<String> problems) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(file.getFileName() + " is missing");
            return new byte[0];
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw KitFiles.ioError("read", file, e);
        }
    }

    private static ResilienceException failed(Path backupDir, List<String> problems) {
        return new ResilienceException(ErrorCode.VERIFICATION_FAILED, "backup " + backupDir
                + " failed verification:\n  " + String.join("\n  ", problems));
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }
}
