package org.resilient.archive;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resilient.api.Settings;

/**
 * A store in a JVM of its own, for tests that kill it: {@code java -cp <test class path>
 * org.resilient.archive.StoreProcess REPO SRC [archive.KEY=VALUE ...]} stores SRC as a new generation of REPO
 * (created if missing) and prints its id; {@code --restore REPO ID TARGET} restores a generation. The {@code
 * resilient archive store} command cannot serve here: the CLI depends on this module, not the other way round.
 */
final class StoreProcess {
    private StoreProcess() {
    }

    public static void main(String[] args) {
        if (args[0].equals("--restore")) {
            try (DirArchive a = DirArchive.open(Path.of(args[1]), ArchiveSettings.from(Settings.of(Map.of())), false)) {
                System.out.println(a.restore(args[2], Path.of(args[3]), org.resilient.api.RestoreOptions.DEFAULT,
                        TestTrees.ctx(Path.of(args[3]))));
            }
            return;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Path repo = Path.of(args[0]);
        Path src = Path.of(args[1]);
        try (DirArchive a = DirArchive.open(repo, ArchiveSettings.from(Settings.of(settings)), true)) {
            System.out.println(a.store(TestTrees.request(src, src.getFileName().toString(), Instant.now()),
                    TestTrees.ctx(src)).id());
        }
    }
}
