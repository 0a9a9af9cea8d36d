package org.resilient.core.manifest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.resilient.api.ManifestCodec;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;
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
        String digest = sha256(manifestFile);
        try (SignatureFile signature = SignatureFile.open(signatureFile)) {
            if (!digest.equals(signature.manifestDigest())) {
                throw failed(backupDir, List.of(signature.manifestDigest() != null
                        ? "MANIFEST does not match its digest in SIGNATURE (changed after it was written)"
                        : "SIGNATURE does not list MANIFEST"));
            }
            return check(backupDir, digest, signature, progress, cancellation);
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", manifestFile, e);
        }
    }

    /**
     * Reads the MANIFEST entry by entry, checking each against SIGNATURE and, in the same order, against the tree as
     * it is walked and hashed; the MANIFEST is hashed again as it is read, so that what was checked is what the
     * SIGNATURE lists.
     */
    private static SealedBackup check(Path backupDir, String digest, SignatureFile signature, ProgressListener progress,
                                      Cancellation cancellation) throws IOException {
        Path manifestFile = backupDir.resolve(NodeLayout.MANIFEST);
        MessageDigest md = Sha256.newDigest();
        ProblemList problems = new ProblemList(MAX_LISTED);
        checkTopLevel(backupDir, problems);
        long[] totals = new long[2];
        Manifest header;
        try (InputStream in = new DigestInputStream(Files.newInputStream(manifestFile), md);
             ManifestStream manifest = ManifestCodec.open(new BufferedInputStream(in, 1 << 16))) {
            header = manifest.header();
            Iterator<ManifestEntry> checked = new Iterator<>() {
                private final Iterator<ManifestEntry> entries = manifest.iterator();

                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public ManifestEntry next() {
                    ManifestEntry e = entries.next();
                    if (e.type() == ManifestEntry.Type.FILE) {
                        totals[0]++;
                        totals[1] += e.size();
                        String signed = signed(signature, NodeLayout.DATA + "/" + e.path());
                        if (!e.sha256().equals(signed)) {
                            problems.add("SIGNATURE and MANIFEST disagree on data/" + e.path());
                        }
                    }
                    return e;
                }
            };
            Path data = NodeLayout.data(backupDir);
            if (!Files.isDirectory(data, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                problems.add("data/ is missing");
                checked.forEachRemaining(e -> { });
            } else {
                TreeMatch.compare(data, checked, progress, cancellation, new Differences(problems));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (!Sha256.hex(md.digest()).equals(digest)) {
            throw failed(backupDir, List.of("MANIFEST changed while it was checked"));
        }
        if (signature.dataFiles() != totals[0]) {
            problems.add("SIGNATURE lists " + signature.dataFiles() + " data files, MANIFEST " + totals[0]);
        }
        if (!problems.isEmpty()) {
            throw failed(backupDir, problems.text());
        }
        return new SealedBackup(backupDir, ManifestSummary.of(header, totals[0], totals[1]), digest);
    }

    private static String signed(SignatureFile signature, String path) {
        try {
            return signature.digest(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Words each difference between the MANIFEST and the tree. */
    private record Differences(ProblemList problems) implements TreeMatch.Differences {
        @Override
        public void missing(ManifestEntry want) {
            problems.add("data/" + want.path() + " was removed");
        }

        @Override
        public void added(ManifestEntry got) {
            problems.add("data/" + got.path() + " was added (not in MANIFEST)");
        }

        @Override
        public void both(ManifestEntry want, ManifestEntry got) {
            String where = "data/" + want.path();
            if (got.type() != want.type()) {
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
    }

    private static void checkTopLevel(Path backupDir, ProblemList problems) {
        try (Stream<Path> s = Files.list(backupDir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(NodeLayout.MANIFEST) && !n.equals(NodeLayout.SIGNATURE) && !n.equals(NodeLayout.DATA)
                            && !n.equals(NodeLayout.MANIFEST_SIGNATURE))
                    .sorted().forEach(n -> problems.add(n + " was added (not part of a backup)"));
        } catch (IOException e) {
            throw AtomicFiles.ioError("list", backupDir, e);
        }
    }

    private static String sha256(Path p) {
        try {
            return Sha256.of(p);
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", p, e);
        }
    }

    private static ResilienceException failed(Path backupDir, List<String> problems) {
        ProblemList list = new ProblemList(MAX_LISTED);
        problems.forEach(list::add);
        return failed(backupDir, list.text());
    }

    private static ResilienceException failed(Path backupDir, String problems) {
        return new ResilienceException(ErrorCode.VERIFICATION_FAILED, "backup " + backupDir
                + " failed verification; it will not be used (the last good state is kept). Pull it again or "
                + "take the next backup:\n" + problems);
    }
}
