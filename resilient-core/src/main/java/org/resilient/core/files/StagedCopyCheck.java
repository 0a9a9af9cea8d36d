package org.resilient.core.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.core.manifest.ProblemList;
import org.resilient.core.manifest.TreeMatch;
import org.resilient.support.fs.AtomicFiles;

/**
 * Checks the copy an import is about to swap in against the backup's manifest: the same entries, types,
 * sizes, SHA-256 digests and link targets. This is what is about to become the standby, so it is what must
 * match, whatever happened to the backup or during the copy. The tree and the manifest are walked side by side in
 * manifest order ({@link TreeMatch}): a MANIFEST file given by the context is read entry by entry, never whole.
 */
final class StagedCopyCheck {
    private static final int MAX_LISTED = 20;

    private StagedCopyCheck() {
    }

    static void check(Path staged, ImportContext context) {
        Path file = context.manifestFile().orElse(null);
        if (file == null) {
            check(staged, context.backupId(), context.manifest().entries().iterator(), context.progress(),
                    context.cancellation());
            return;
        }
        try (InputStream in = Files.newInputStream(file); ManifestStream s = ManifestCodec.open(in)) {
            check(staged, context.backupId(), s.iterator(), context.progress(), context.cancellation());
        } catch (UncheckedIOException e) {
            throw AtomicFiles.ioError("read", file, e.getCause());
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", file, e);
        }
    }

    private static void check(Path staged, BackupId id, Iterator<ManifestEntry> manifest, ProgressListener progress,
                              Cancellation cancellation) {
        ProblemList problems = new ProblemList(MAX_LISTED);
        TreeMatch.compare(staged, manifest, progress, cancellation, new TreeMatch.Differences() {
            @Override
            public void missing(ManifestEntry want) {
                problems.add(want.path() + " is missing");
            }

            @Override
            public void added(ManifestEntry got) {
                problems.add(got.path() + " is not in the manifest");
            }

            @Override
            public void both(ManifestEntry want, ManifestEntry got) {
                if (got.type() != want.type()) {
                    problems.add(want.path() + " is a " + got.type() + ", expected a " + want.type());
                } else if (want.type() == ManifestEntry.Type.FILE && got.size() != want.size()) {
                    problems.add(want.path() + " has " + got.size() + " bytes, expected " + want.size());
                } else if (want.type() == ManifestEntry.Type.FILE && !got.sha256().equals(want.sha256())) {
                    problems.add(want.path() + " differs from the manifest (SHA-256)");
                } else if (want.type() == ManifestEntry.Type.SYMLINK && !got.linkTarget().equals(want.linkTarget())) {
                    problems.add(want.path() + " points to " + got.linkTarget() + ", expected " + want.linkTarget());
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "the data of backup " + id
                    + " does not match its manifest; it was not imported and the standby keeps its last good state. "
                    + "Pull the backup again:\n" + problems.text());
        }
    }
}
