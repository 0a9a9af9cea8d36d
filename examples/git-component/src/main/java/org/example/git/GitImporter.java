package org.example.git;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.spi.Importer;

/**
 * Imports by cloning the bundle beside the standby and swapping: {@code git clone --mirror} into
 * {@code <repository>.resilient/incoming}, checked with {@code git fsck}, fenced, then the standby's path, a
 * symbolic link, is pointed at the new copy by renaming a new link over it, one atomic step. A directory cannot be
 * renamed over a non-empty one; a link can. A failed, refused or cancelled import leaves the standby as it was, and a
 * reader sees the old repository or the new one, never a mix.
 */
final class GitImporter implements Importer {
    private final GitSettings settings;
    private final Git git;

    GitImporter(GitSettings settings) {
        this.settings = settings;
        this.git = new Git(settings.executable());
    }

    @Override
    public void importBackup(ImportContext context) {
        Path repo = settings.repository();
        String what = "import of " + context.backupId() + " into git standby " + repo;
        Cancellation cancellation = context.cancellation();
        cancellation.throwIfCancelled(what);
        Path bundle = context.directory().resolve(GitExporter.BUNDLE);
        Path headFile = context.directory().resolve(GitExporter.HEAD);
        if (!Files.isRegularFile(bundle) || !Files.isRegularFile(headFile)) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, what + ": the backup holds no " + GitExporter.BUNDLE
                    + " and " + GitExporter.HEAD + "; it is not an export of the git component");
        }
        Copies copies = new Copies(repo);
        Path incoming = copies.incoming();
        try {
            copies.removeIncoming();
            context.progress().progress("clone", 0, 1, "repositories");
            try {
                git.run(copies.directory(), cancellation, what, "clone", "--quiet", "--mirror", bundle.toString(),
                        incoming.toString());
            } catch (ResilienceException e) {
                throw e.code() == ErrorCode.TOOL_FAILED ? refused(what, e) : e;
            }
            git.run(incoming, cancellation, what, "config", "--remove-section", "remote.origin"); // no link to the backup
            git.run(incoming, cancellation, what, "symbolic-ref", "HEAD", head(headFile, what));
            if (settings.fsck()) {
                try {
                    git.run(incoming, cancellation, what, "fsck", "--no-progress", "--no-dangling");
                } catch (ResilienceException e) {
                    throw e.code() == ErrorCode.TOOL_FAILED ? refused(what, e) : e;
                }
            }
            Fence.raise(git, incoming, cancellation, what); // a standby refuses pushes until promoted
            cancellation.throwIfCancelled(what);
            copies.swapIn(incoming);
            context.progress().progress("clone", 1, 1, "repositories");
            copies.removeOld();
            System.getLogger(context.loggerName()).log(Level.DEBUG, () -> what + ": done");
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, what + " failed: " + e + "; the standby is unchanged", e);
        } finally {
            try {
                copies.removeIncoming();
            } catch (IOException ignored) {
                // The next import removes it first.
            }
        }
    }

    private static ResilienceException refused(String what, ResilienceException e) {
        return new ResilienceException(ErrorCode.VERIFICATION_FAILED, what + ": the bundle is damaged or not a git bundle ("
                + e.getMessage() + "); the standby is unchanged", e);
    }

    /** The branch HEAD names, from the backup's HEAD file ({@code ref: refs/heads/main}). */
    private static String head(Path headFile, String what) throws IOException {
        String text = Files.readString(headFile, StandardCharsets.UTF_8).strip();
        if (!text.matches("ref: refs/[A-Za-z0-9._/-]+")) {
            throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, what + ": the backup's HEAD is not a branch: "
                    + text.lines().findFirst().orElse("(empty)"));
        }
        return text.substring("ref: ".length());
    }

    @Override
    public void promote(RoleChangeContext context) {
        Path repo = settings.repository();
        String what = "promotion of git standby " + repo + " in epoch " + context.epoch();
        if (!Files.isRegularFile(repo.resolve("HEAD"))) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, what + ": no repository; nothing was imported yet");
        }
        try {
            Fence.lift(git, repo, context.cancellation(), what);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, what + " failed: " + e, e);
        }
    }

    @Override
    public void demote(RoleChangeContext context) {
        Path repo = settings.repository();
        String what = "demotion of git repository " + repo + " (epoch " + context.epoch() + " has another leader)";
        if (!Files.exists(repo, LinkOption.NOFOLLOW_LINKS)) {
            return; // nothing live to fence
        }
        try {
            Fence.raise(git, repo, context.cancellation(), what);
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, what + " failed: " + e, e);
        }
    }
}
