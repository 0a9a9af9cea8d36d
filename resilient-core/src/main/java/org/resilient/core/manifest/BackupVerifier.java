package org.resilient.core.manifest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
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
        return verifyDeferring(backupDir, path -> false, progress, cancellation).sealed();
    }

    /**
     * Verifies a backup except the bytes of the data files {@code deferrable} names (their presence and size are
     * checked): those are left to {@link Deferred#verifyRest}, which the caller runs while it already reads them.
     * Everything else (MANIFEST, SIGNATURE, the tree, every other file's bytes) is checked as by
     * {@link #verify}.
     *
     * @param backupDir the backup directory
     * @param deferrable which data files (paths relative to {@code data/}) may be hashed later
     * @param progress gets hashing progress
     * @param cancellation checked between files
     * @return the backup and the files still to hash (held in memory: one small record each)
     * @throws ResilienceException as {@link #verify}
     */
    public static Deferred verifyDeferring(Path backupDir, Predicate<String> deferrable, ProgressListener progress,
                                           Cancellation cancellation) {
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
            return check(backupDir, digest, signature, deferrable, progress, cancellation);
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", manifestFile, e);
        }
    }

    /**
     * Reads the MANIFEST entry by entry, checking each against SIGNATURE and, in the same order, against the tree as
     * it is walked and hashed; the MANIFEST is hashed again as it is read, so that what was checked is what the
     * SIGNATURE lists.
     */
    private static Deferred check(Path backupDir, String digest, SignatureFile signature, Predicate<String> deferrable,
                                 ProgressListener progress, Cancellation cancellation) throws IOException {
        Path manifestFile = backupDir.resolve(NodeLayout.MANIFEST);
        MessageDigest md = Sha256.newDigest();
        ProblemList problems = new ProblemList(MAX_LISTED);
        List<ManifestEntry> deferred = new ArrayList<>();
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
                // a deferred file is not read now: any digest stands in for it, and only its size is compared
                KnownDigests later = file -> deferrable.test(data.relativize(file).toString())
                        ? Optional.of(NOT_READ) : Optional.empty();
                TreeMatch.compare(data, checked, later, progress, cancellation,
                        new Differences(problems, deferrable, deferred));
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
        return new Deferred(new SealedBackup(backupDir, ManifestSummary.of(header, totals[0], totals[1]), digest),
                List.copyOf(deferred));
    }

    /**
     * A backup verified but for the bytes of some data files, which {@link #verifyRest} hashes.
     *
     * @param sealed the backup
     * @param rest the MANIFEST's entries of the files not hashed yet
     */
    public record Deferred(SealedBackup sealed, List<ManifestEntry> rest) {
        /**
         * Hashes the deferred files and compares them with the MANIFEST.
         *
         * @param progress gets hashing progress
         * @param cancellation checked between files
         * @throws ResilienceException {@code VERIFICATION_FAILED} naming every file that differs
         */
        public void verifyRest(ProgressListener progress, Cancellation cancellation) {
            Path data = NodeLayout.data(sealed.directory());
            ProblemList problems = new ProblemList(MAX_LISTED);
            long done = 0;
            for (ManifestEntry e : rest) {
                cancellation.throwIfCancelled("verification of " + sealed.directory());
                try {
                    if (!Sha256.of(data.resolve(e.path()), e.size()).equals(e.sha256())) {
                        problems.add("data/" + e.path() + " was changed (SHA-256 differs)");
                    }
                } catch (IOException ex) {
                    problems.add("data/" + e.path() + " cannot be read: " + ex.getMessage());
                }
                done += e.size();
                progress.progress("hash", done, -1, "bytes");
            }
            if (!problems.isEmpty()) {
                throw failed(sealed.directory(), problems.text());
            }
        }
    }

    private static String signed(SignatureFile signature, String path) {
        try {
            return signature.digest(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stands in for the digest of a file whose bytes are hashed later (never compared). */
    private static final String NOT_READ = "0".repeat(64);

    /** Words each difference between the MANIFEST and the tree; collects the deferred files (not yet hashed). */
    private record Differences(ProblemList problems, Predicate<String> deferrable, List<ManifestEntry> deferred)
            implements TreeMatch.Differences {
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
            } else if (want.type() == ManifestEntry.Type.FILE && deferrable.test(want.path())) {
                deferred.add(want);
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
