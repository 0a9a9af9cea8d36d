package org.resilient.cli.archive;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.resilient.api.Generation;
import org.resilient.api.spi.Archive;
import org.resilient.cli.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient archive list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the generations, oldest first, with their sizes and deduplication.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    RepoOptions repo;
    @Spec
    CommandSpec spec;
    @Option(names = "--json", description = "Print one JSON object per line per generation.")
    boolean json;

    @Override
    public Integer call() {
        List<Generation> gens;
        try (Archive a = repo.open(false)) {
            gens = a.generations();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            gens.forEach(g -> out.println(Json.write(toMap(g))));
            return 0;
        }
        out.printf("%-32s %-25s %-10s %6s %12s %12s %12s%n", "GENERATION", "TIME", "NODE", "EPOCH", "LOGICAL", "NEW", "STORED");
        for (Generation g : gens) {
            out.printf("%-32s %-25s %-10s %6s %12s %12s %12s%n", g.id(), g.time(), shortNode(g.sourceNode()), g.epoch(),
                    Sizes.human(g.logicalBytes()), Sizes.human(g.newBytes()), Sizes.human(g.storedBytes()));
        }
        long logical = gens.stream().mapToLong(Generation::logicalBytes).sum();
        long stored = gens.stream().mapToLong(Generation::storedBytes).sum();
        out.printf("%d generation(s): %s of backups in %s stored (%.1fx)%n", gens.size(), Sizes.human(logical),
                Sizes.human(stored), stored == 0 ? 0.0 : (double) logical / stored);
        return 0;
    }

    static String shortNode(String node) {
        String n = node.endsWith("/") ? node.substring(0, node.length() - 1) : node;
        return n.substring(n.lastIndexOf('/') + 1);
    }

    static Map<String, Object> toMap(Generation g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", g.id());
        m.put("backupId", g.backupId());
        m.put("time", g.time());
        m.put("sourceNode", g.sourceNode());
        m.put("epoch", g.epoch().value());
        m.put("manifestDigest", g.manifestDigest());
        m.put("files", g.fileCount());
        m.put("logicalBytes", g.logicalBytes());
        m.put("newBytes", g.newBytes());
        m.put("storedBytes", g.storedBytes());
        return m;
    }
}
