package org.resilient.core.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.core.manifest.TreeScanner;

/**
 * Checks the copy an import is about to swap in against the backup's manifest: the same entries, types,
 * sizes, SHA-256 digests and link targets. This is what is about to become the standby, so it is what must
 * match, whatever happened to the backup or during the copy.
 */
final class StagedCopyCheck {
    private static final int MAX_LISTED = 20;

    private StagedCopyCheck() {
    }

    static void check(Path staged, Manifest manifest, ProgressListener progress, Cancellation cancellation) {
        Map<String, ManifestEntry> found = new HashMap<>();
        for (ManifestEntry e : TreeScanner.scan(staged, true, progress, cancellation)) {
            found.put(e.path(), e);
        }
        List<String> problems = new ArrayList<>();
        for (ManifestEntry want : manifest.entries()) {
            ManifestEntry got = found.remove(want.path());
            if (got == null) {
                problems.add(want.path() + " is missing");
            } else if (got.type() != want.type()) {
                problems.add(want.path() + " is a " + got.type() + ", expected a " + want.type());
            } else if (want.type() == ManifestEntry.Type.FILE && got.size() != want.size()) {
                problems.add(want.path() + " has " + got.size() + " bytes, expected " + want.size());
            } else if (want.type() == ManifestEntry.Type.FILE && !got.sha256().equals(want.sha256())) {
                problems.add(want.path() + " differs from the manifest (SHA-256)");
            } else if (want.type() == ManifestEntry.Type.SYMLINK && !got.linkTarget().equals(want.linkTarget())) {
                problems.add(want.path() + " points to " + got.linkTarget() + ", expected " + want.linkTarget());
            }
        }
        found.keySet().stream().sorted().forEach(p -> problems.add(p + " is not in the manifest"));
        if (!problems.isEmpty()) {
            List<String> shown = problems.size() > MAX_LISTED ? problems.subList(0, MAX_LISTED) : problems;
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "the data of backup " + manifest.backupId()
                    + " does not match its manifest; it was not imported and the standby keeps its last good state. "
                    + "Pull the backup again:\n  " + String.join("\n  ", shown)
                    + (problems.size() > MAX_LISTED ? "\n  ... and " + (problems.size() - MAX_LISTED) + " more" : ""));
        }
    }
}
