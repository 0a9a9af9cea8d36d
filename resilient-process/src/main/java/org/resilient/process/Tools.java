package org.resilient.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Finds external tools: in the given directories first, then on the {@code PATH}. */
public final class Tools {
    private Tools() {
    }

    /**
     * Finds an executable.
     *
     * @param name the tool's file name, e.g. {@code pg_dump}
     * @param directories directories to look in first, in order (nulls ignored)
     * @return the executable, if found
     */
    public static Optional<Path> find(String name, List<Path> directories) {
        List<Path> candidates = new ArrayList<>();
        for (Path dir : directories) {
            if (dir != null) {
                candidates.add(dir.resolve(name));
            }
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator, -1)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, name));
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /**
     * Finds an executable or fails with a message saying how to get it.
     *
     * @param name the tool's file name
     * @param directories directories to look in first
     * @param howToInstall what to tell the user, e.g. {@code "install the Debian package postgresql-client"}
     * @return the executable
     * @throws ResilienceException with {@link ErrorCode#TOOL_MISSING}
     */
    public static Path require(String name, List<Path> directories, String howToInstall) {
        return find(name, directories).orElseThrow(() -> new ResilienceException(ErrorCode.TOOL_MISSING,
                name + " not found (looked in " + directories + " and on PATH): " + howToInstall));
    }
}
