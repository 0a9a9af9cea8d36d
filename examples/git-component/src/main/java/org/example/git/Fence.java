package org.example.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.resilient.api.Cancellation;

/**
 * Makes a repository refuse pushes with a {@code pre-receive} hook, and lifts that again. Every push goes through
 * {@code git receive-pack}, which runs the hook before it changes a ref, whatever the protocol (a local path, ssh,
 * smart http); a client that writes the repository's files directly is not stopped (file modes would not stop the
 * owner either). A hook of the operator's own is kept aside while the fence stands and put back by {@link #lift}.
 */
final class Fence {
    /** The line that tells this hook from the operator's own. */
    private static final String MARK = "# resilient fence: this copy is a standby or a deposed leader";
    private static final String HOOK = "#!/bin/sh\n" + MARK + "\n"
            + "echo \"resilient: this repository is a read-only copy (a standby, or a leader that lost its lead): push to"
            + " the current leader\" >&2\nexit 1\n";

    private Fence() {
    }

    /**
     * Fences the repository; does nothing when it is fenced already (so a second demotion keeps the operator's hook
     * aside, not the fence).
     */
    static void raise(Git git, Path repo, Cancellation cancellation, String what) throws IOException {
        Path hook = hook(git, repo, cancellation, what);
        if (isOurs(hook)) {
            return;
        }
        Files.createDirectories(hook.getParent());
        if (Files.exists(hook)) {
            Files.move(hook, saved(hook), StandardCopyOption.REPLACE_EXISTING);
        }
        Path tmp = hook.resolveSibling(hook.getFileName() + ".resilient-tmp");
        Files.writeString(tmp, HOOK, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Lifts the fence and puts the operator's own hook back, if there was one. */
    static void lift(Git git, Path repo, Cancellation cancellation, String what) throws IOException {
        Path hook = hook(git, repo, cancellation, what);
        if (!isOurs(hook)) {
            return;
        }
        Path saved = saved(hook);
        if (Files.exists(saved)) {
            Files.move(saved, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(hook);
        }
    }

    /** The hook's path as git sees it (core.hooksPath included). */
    private static Path hook(Git git, Path repo, Cancellation cancellation, String what) {
        return repo.resolve(git.run(repo, cancellation, what, "rev-parse", "--git-path", "hooks/pre-receive"));
    }

    private static Path saved(Path hook) {
        return hook.resolveSibling(hook.getFileName() + ".resilient-saved");
    }

    private static boolean isOurs(Path hook) throws IOException {
        return Files.isRegularFile(hook) && Files.readString(hook, StandardCharsets.UTF_8).contains(MARK);
    }
}
