package org.example.git;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Exporter;

/**
 * Exports the live repository with {@code git bundle create --all}: git reads every ref once and packs what they
 * reach, so the bundle is a consistent set of refs even while clients push (each ref update is atomic), and the
 * live repository is only read. Beside the bundle goes {@code HEAD}, the branch the repository's HEAD names, which a
 * bundle does not keep reliably.
 */
final class GitExporter implements Exporter {
    /** The bundle's file name in a backup. */
    static final String BUNDLE = "repository.bundle";
    /** The file naming the repository's HEAD in a backup. */
    static final String HEAD = "HEAD";

    private final GitSettings settings;
    private final Git git;

    GitExporter(GitSettings settings) {
        this.settings = settings;
        this.git = new Git(settings.executable());
    }

    @Override
    public void export(ExportContext context) {
        Path repo = settings.repository();
        String what = "export of git repository " + repo;
        if (!Files.isRegularFile(repo.resolve("HEAD"))) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, what + ": not a bare git repository (no HEAD file); check"
                    + " git.repository on the export node");
        }
        context.progress().progress("bundle", 0, 1, "repositories");
        try {
            Files.writeString(context.directory().resolve(HEAD), Files.readString(repo.resolve("HEAD"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, what + ": cannot copy HEAD: " + e, e);
        }
        Path bundle = context.directory().resolve(BUNDLE);
        try {
            git.run(repo, context.cancellation(), what, "bundle", "create", "--quiet", bundle.toString(), "--all");
        } catch (ResilienceException e) {
            if (e.getMessage().contains("empty bundle")) {
                throw new ResilienceException(ErrorCode.WRONG_STATE, what + ": the repository has no commits yet; push"
                        + " one before the first backup", e);
            }
            throw e;
        }
        context.progress().progress("bundle", 1, 1, "repositories");
        System.getLogger(context.loggerName()).log(Level.DEBUG, () -> what + ": wrote " + bundle);
    }
}
