package org.resilient.archive.tool;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.Damage;
import org.resilient.api.Generation;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.Settings;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.archive.DirArchive;

/**
 * A small command-line entry point to the {@code dir} archive, for scripts and the benchmark:
 * {@code java -cp ... org.resilient.archive.tool.ArchiveTool init|store|list|restore|verify|prune|stats --repo DIR}.
 * Exit status: 0 on success, the error code's status on failure, 3 when verify finds damage.
 */
public final class ArchiveTool {
    private static final String USAGE = String.join("\n",
            "usage: ArchiveTool <command> --repo DIR [--set archive.KEY=VALUE ...]",
            "  init                                   create the archive",
            "  store SRC [--backup-id ID] [--source-node N] [--epoch E]   store a directory; prints the generation id",
            "  list [--json]                          list generations",
            "  restore GEN TARGET [--partial]         restore a generation into a new directory",
            "  verify [--read-data]                   check the archive",
            "  prune [--keep-last N] [--keep-within 14d] [--keep-daily N] [--keep-weekly N] [--keep-monthly N]",
            "  stats                                  sizes of the archive");

    private ArchiveTool() {
    }

    /**
     * Runs the tool.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // With slf4j-simple on the class path (as in the benchmark), naming it spares slf4j a search of every jar
        // for a provider, 30-50 ms of each command's start. Any other binding is found as usual.
        if (System.getProperty("slf4j.provider") == null && present("org.slf4j.simple.SimpleServiceProvider")) {
            System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "WARN"));
        }
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command.
     *
     * @param args the arguments
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> positional = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, String> sets = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--json") || a.equals("--partial") || a.equals("--read-data")) {
                    opts.put(a, "true");
                } else if (a.equals("--set") || a.equals("-s")) {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException("--set needs key=value");
                    }
                    sets.put(kv.substring(0, eq), kv.substring(eq + 1));
                } else if (a.startsWith("--")) {
                    opts.put(a, args[++i]);
                } else {
                    positional.add(a);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (positional.isEmpty() || !opts.containsKey("--repo")) {
            err.println(USAGE);
            return 2;
        }
        String cmd = positional.get(0);
        Path repo = Path.of(opts.get("--repo"));
        Settings settings = ArchiveCommands.settings(sets);
        try (DirArchive archive = ArchiveCommands.open(repo, settings, cmd.equals("init") || cmd.equals("store"))) {
            switch (cmd) {
                case "init" -> out.println("archive ready at " + archive.root());
                case "store" -> {
                    need(positional, 2);
                    Path src = Path.of(positional.get(1));
                    Generation g = archive.store(ArchiveCommands.request(src, opts.get("--backup-id"),
                            opts.get("--source-node"), Long.parseLong(opts.getOrDefault("--epoch", "0"))),
                            ArchiveCommands.context(src));
                    out.println(g.id());
                }
                case "list" -> out.print(opts.containsKey("--json") ? ArchiveCommands.json(archive.generations()) + "\n"
                        : ArchiveCommands.table(archive.generations()));
                case "restore" -> {
                    need(positional, 3);
                    Path target = Path.of(positional.get(2));
                    List<Damage> d = archive.restore(positional.get(1), target,
                            new RestoreOptions(opts.containsKey("--partial")), ArchiveCommands.context(repo));
                    if (!d.isEmpty()) {
                        err.print(ArchiveCommands.damages(d));
                        err.println("restored the intact files of " + positional.get(1) + " into " + target
                                + "; the damaged files listed above were skipped");
                        return 3;
                    }
                }
                case "verify" -> {
                    VerifyReport r = archive.verify(opts.containsKey("--read-data") ? VerifyLevel.READ_DATA
                            : VerifyLevel.STRUCTURE, ArchiveCommands.context(repo));
                    out.print(ArchiveCommands.damages(r.damages()));
                    out.println((r.ok() ? "OK" : "DAMAGED") + ": " + r.generationsChecked() + " generations checked, "
                            + r.bytesRead() + " bytes read, " + r.damages().size() + " problems");
                    return r.ok() ? 0 : 3;
                }
                case "prune" -> {
                    RetentionPolicy p = new RetentionPolicy(
                            Integer.parseInt(opts.getOrDefault("--keep-last", "1")),
                            opts.containsKey("--keep-within") ? Settings.parseDuration(opts.get("--keep-within"))
                                    : (opts.containsKey("--keep-last") ? Duration.ZERO : Duration.ofDays(14)),
                            Integer.parseInt(opts.getOrDefault("--keep-daily", "0")),
                            Integer.parseInt(opts.getOrDefault("--keep-weekly", "0")),
                            Integer.parseInt(opts.getOrDefault("--keep-monthly", "0")));
                    PruneResult r = archive.prune(p, ArchiveCommands.context(repo));
                    out.println("removed " + r.removed().size() + " generations " + r.removed() + ", kept "
                            + r.kept().size() + ", reclaimed " + r.reclaimedBytes() + " bytes");
                }
                case "stats" -> out.print(ArchiveCommands.stats(archive.stats()));
                default -> {
                    err.println("unknown command '" + cmd + "'\n" + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (ResilienceException e) {
            err.println("error (" + e.code() + "): " + e.getMessage());
            return e.exitStatus();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, ArchiveTool.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void need(List<String> positional, int n) {
        if (positional.size() < n) {
            throw new IllegalArgumentException("missing arguments");
        }
    }
}
