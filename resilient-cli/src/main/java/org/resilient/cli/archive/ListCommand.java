package org.resilient.cli.archive;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Archive;
import org.resilient.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resilient archive list [GEN]}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the generations, oldest first, with their sizes and deduplication, or only the one named.")
final class ListCommand implements Callable<Integer> {
    private static final String ROW = "%-32s %-25s %-10s %6s %12s %12s %12s%n";

    @Mixin
    RepoOptions repo;
    @Parameters(index = "0", arity = "0..1", paramLabel = "GEN",
            description = "Show only this generation ('latest' for the newest).")
    String generation;
    @Option(names = "--json", description = {"Print one JSON document: an array of generations, or the generation "
            + "named as one object.", "Keys: id, backupId, time, sourceNode, epoch, manifestDigest, files, logicalBytes, "
            + "newBytes, storedBytes."})
    boolean json;

    @Override
    public Integer call() {
        List<Generation> gens;
        try (Archive a = repo.open(false)) {
            gens = a.generations();
        }
        PrintWriter out = repo.commandLine().getOut();
        Generation one = generation == null ? null : find(gens, generation, repo.repo);
        if (json) {
            JsonOutput.print(out, one != null ? GenerationJson.of(one) : gens.stream().map(GenerationJson::of).toList());
            return 0;
        }
        out.printf(ROW, "GENERATION", "TIME", "NODE", "EPOCH", "LOGICAL", "NEW", "STORED");
        for (Generation g : one != null ? List.of(one) : gens) {
            out.printf(ROW, g.id(), g.time(), shortNode(g.sourceNode()), g.epoch(),
                    Sizes.human(g.logicalBytes()), Sizes.human(g.newBytes()), Sizes.human(g.storedBytes()));
        }
        if (one == null) {
            long logical = gens.stream().mapToLong(Generation::logicalBytes).sum();
            long stored = gens.stream().mapToLong(Generation::storedBytes).sum();
            out.printf("%d generation(s): %s of backups in %s stored (%.1fx)%n", gens.size(), Sizes.human(logical),
                    Sizes.human(stored), stored == 0 ? 0.0 : (double) logical / stored);
        }
        return 0;
    }

    /**
     * The generation with this id, or the newest for {@code latest}.
     *
     * @param gens the archive's generations, oldest first
     * @param id a generation id or {@code latest}
     * @param repo the archive as the user named it, for the message
     * @return the generation
     * @throws ResilienceException {@code NOT_FOUND} when there is no such generation
     */
    static Generation find(List<Generation> gens, String id, String repo) {
        if ("latest".equals(id)) {
            if (gens.isEmpty()) {
                throw new ResilienceException(ErrorCode.NOT_FOUND, "the archive " + repo + " has no generations");
            }
            return gens.get(gens.size() - 1);
        }
        return gens.stream().filter(g -> g.id().equals(id)).findFirst().orElseThrow(() -> new ResilienceException(
                ErrorCode.NOT_FOUND, "the archive " + repo + " has no generation " + id
                        + "; 'resilient archive list --repo " + repo + "' lists them"));
    }

    static String shortNode(String node) {
        String n = node.endsWith("/") ? node.substring(0, node.length() - 1) : node;
        return n.substring(n.lastIndexOf('/') + 1);
    }

    /** One generation in the {@code --json} output: times and ids as strings, sizes in bytes. */
    record GenerationJson(String id, String backupId, String time, String sourceNode, long epoch, String manifestDigest,
                          long files, long logicalBytes, long newBytes, long storedBytes) {
        static GenerationJson of(Generation g) {
            return new GenerationJson(g.id(), g.backupId().value(), g.time().toString(), g.sourceNode(),
                    g.epoch().value(), g.manifestDigest(), g.fileCount(), g.logicalBytes(), g.newBytes(),
                    g.storedBytes());
        }
    }
}
