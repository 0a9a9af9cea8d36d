package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The config files of the smallest whole cluster on the files component, as the CLI's tests drive it: export node
 * {@code db0} (live data in {@code live}, a table of two rows), pull-backup node {@code pbs1} (with a {@code copy:}
 * archive) and import node {@code db1} (standby {@code standby}), reaching each other through their directories
 * ({@code file:}).
 *
 * @param live the export node's live data
 * @param standby the import node's standby (not there before the first import)
 * @param leader the config of db0
 * @param pullBackup the config of pbs1
 * @param importer the config of db1
 */
record FilesClusterConfigs(Path live, Path standby, Path leader, Path pullBackup, Path importer) {
    /**
     * Writes the live data and the three configs into a directory and opens each node once with
     * {@code resilient status}, which creates its directories (its inbox among them), as a running node would have.
     *
     * @param dir where the live data, the configs and the node directories go
     * @return the configs
     * @throws IOException if a file cannot be written
     */
    static FilesClusterConfigs write(Path dir) throws IOException {
        Path live = Files.createDirectories(dir.resolve("live"));
        Files.writeString(live.resolve("table.tsv"), "1\tone\n2\ttwo\n");
        Path standby = dir.resolve("standby");
        FilesClusterConfigs c = new FilesClusterConfigs(live, standby,
                conf(dir, "db0.properties", "node.name=db0", "node.role=export", "node.dir=" + dir.resolve("db0"),
                        "files.source=" + live, "export.notify=file:" + dir.resolve("pbs1")),
                conf(dir, "pbs1.properties", "node.name=pbs1", "node.role=pull-backup", "node.dir=" + dir.resolve("pbs1"),
                        "pbs.source=file:" + dir.resolve("db0"), "pbs.targets=file:" + dir.resolve("db1"),
                        "pbs.archive=copy:" + dir.resolve("pbs1/archive")),
                conf(dir, "db1.properties", "node.name=db1", "node.role=import", "node.dir=" + dir.resolve("db1"),
                        "files.target=" + standby, "files.source=" + standby, "export.notify=file:" + dir.resolve("pbs1")));
        for (Path conf : List.of(c.leader, c.pullBackup, c.importer)) {
            CliRun s = CliRun.of("status", "-c", conf.toString());
            assertEquals(0, s.status(), s.toString());
        }
        return c;
    }

    /**
     * Writes a config file, one setting a line.
     *
     * @param dir the directory
     * @param name the file's name
     * @param lines {@code key=value} lines
     * @return the file
     * @throws IOException if it cannot be written
     */
    static Path conf(Path dir, String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }
}
