package org.resilient.core.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.resilient.api.ManifestCodec;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.api.NodeLayout;
import org.resilient.support.hash.Sha256;

/**
 * Checks every byte of a backup directory against its MANIFEST and SIGNATURE before the backup is used:
 * the SIGNATURE must hold the MANIFEST's digest, the MANIFEST must parse and be safe, and the data tree
 * must hold exactly the listed entries with the listed sizes, digests and link targets. All problems are
 * reported at once; nothing is modified.
 */
public final class BackupVerifier {
    private static final int MAX_LISTED = 20;

    private BackupVerifier() {
    }

    /**
     * Verifies a backup.
     *
     * @param backupDir the backup directory
     * @param progress gets hashing progress
     * @param cancellation checked between files
     * @return the verified backup
     * @throws ResilienceException {@code VERIFICATION_FAILED} naming every changed, truncated, added or
     *     removed file; {@code MANIFEST_INVALID} for a malformed or unsafe manifest
     */
    public static SealedBackup verify(Path backupDir, ProgressListener progress, Cancellation cancellation) {
        Path manifestFile = backupDir.resolve(NodeLayout.MANIFEST);
        Path signatureFile = backupDir.resolve(NodeLayout.SIGNATURE);
        for (Path p : List.of(manifestFile, signatureFile)) {
            if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw failed(backupDir, List.of(p.getFileName() + " is missing"));
            }
        }
        byte[] manifestBytes = read(manifestFile);
        Map<String, String> signature = Signature.read(read(signatureFile));
        String digest = Sha256.of(manifestBytes);
        if (!digest.equals(signature.get(NodeLayout.MANIFEST))) {
            throw failed(backupDir, List.of(signature.containsKey(NodeLayout.MANIFEST)
                    ? "MANIFEST does not match its digest in SIGNATURE (changed after it was written)"
                    : "SIGNATURE does not list MANIFEST"));
        }
        Manifest manifest = ManifestCodec.read(manifestBytes);
        List<String> problems = new ArrayList<>();
        checkTopLevel(backupDir, problems);
        for (ManifestEntry e : manifest.entries()) {
            if (e.type() == ManifestEntry.Type.FILE
                    && !e.sha256().equals(signature.get(NodeLayout.DATA + "/" + e.path()))) {
                problems.add("SIGNATURE and MANIFEST disagree on data/" + e.path());
            }
        }
        long sigFiles = signature.keySet().stream().filter(k -> !k.equals(NodeLayout.MANIFEST)).count();
        if (sigFiles != manifest.fileCount()) {
            problems.add("SIGNATURE lists " + sigFiles + " data files, MANIFEST " + manifest.fileCount());
        }
        Path data = NodeLayout.data(backupDir);
        if (!Files.isDirectory(data, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            problems.add("data/ is missing");
        } else {
            compare(manifest, TreeScanner.scan(data, true, progress, cancellation), problems);
        }
        if (!problems.isEmpty()) {
            throw failed(backupDir, problems);
        }
        return new SealedBackup(backupDir, manifest, digest);
    }

    private static void compare(Manifest manifest, List<ManifestEntry> actual, List<String> problems) {
        Map<String, ManifestEntry> found = new HashMap<>();
        actual.forEach(e -> found.put(e.path(), e));
        for (ManifestEntry want : manifest.entries()) {
            ManifestEntry got = found.remove(want.path());
            String where = "data/" + want.path();
            if (got == null) {
                problems.add(where + " was removed");
            } else if (got.type() != want.type()) {
                problems.add(where + " is a " + got.type() + ", expected a " + want.type());
            } else if (want.type() == ManifestEntry.Type.FILE && got.size() != want.size()) {
                problems.add(where + " has " + got.size() + " bytes, expected " + want.size()
                        + (got.size() < want.size() ? " (truncated)" : " (grown)"));
            } else if (want.type() == ManifestEntry.Type.FILE && !got.sha256().equals(want.sha256())) {
                problems.add(where + " was changed (SHA-256 differs)");
            } else if (want.type() == ManifestEntry.Type.SYMLINK && !got.linkTarget().equals(want.linkTarget())) {
                problems.add(where + " points to " + got.linkTarget() + ", expected " + want.linkTarget());
            }
        }
        found.keySet().stream().sorted().forEach(p -> problems.add("data/" + p + " was added (not in MANIFEST)"));
    }

    private static void checkTopLevel(Path backupDir, List<String> problems) {
        try (Stream<Path> s = Files.list(backupDir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(NodeLayout.MANIFEST) && !n.equals(NodeLayout.SIGNATURE) && !n.equals(NodeLayout.DATA)
                            && !n.equals(NodeLayout.MANIFEST_SIGNATURE))
                    .sorted().forEach(n -> problems.add(n + " was added (not part of a backup)"));
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", backupDir, e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", p, e);
        }
    }

    private static ResilienceException failed(Path backupDir, List<String> problems) {
        List<String> shown = problems.size() > MAX_LISTED ? problems.subList(0, MAX_LISTED) : problems;
        String more = problems.size() > MAX_LISTED ? "\n  ... and " + (problems.size() - MAX_LISTED) + " more" : "";
        return new ResilienceException(ErrorCode.VERIFICATION_FAILED, "backup " + backupDir
                + " failed verification; it will not be used (the last good state is kept). Pull it again or "
                + "take the next backup:\n  " + String.join("\n  ", shown) + more);
    }
}
