package org.resilient.cli.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.cli.Main;

@DisplayName("Nothing a node, a backup or the archive holds is readable by other users, whatever the umask")
class PermissionsCliTest {
    private static final Set<PosixFilePermission> OPEN = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(0, status, String.join(" ", args) + ": " + out + err);
        return out.toString();
    }

    private Path conf(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    /**
     * Paths readable by the owner's group or other users: resilient's own directories and files must have no such
     * bit; backup data keeps the source's modes (an import gives them back) under a directory only the owner opens.
     */
    private static List<String> open(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (Files.isSymbolicLink(p) || root.relativize(p).toString().matches("(.*/)?data(/.*)?")) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                perms.retainAll(OPEN);
                if (!perms.isEmpty()) {
                    out.add(root.relativize(p) + " " + PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
                }
            }
        }
        return out;
    }

    @Test
    @DisplayName("after export, pull into the dir archive, import, verify and restore: 0700 directories, 0600 files")
    void fullCycle() throws IOException {
        Path live = Files.createDirectories(dir.resolve("live/sub"));
        Files.writeString(live.resolve("table.tsv"), "1\tone\n");
        Files.writeString(live.resolve("secret"), "password hash\n");
        Files.setPosixFilePermissions(live.resolve("secret"), PosixFilePermissions.fromString("---------"));
        Path leader = conf("db0.properties", "node.name=db0", "node.role=export", "node.dir=" + dir.resolve("db0"),
                "files.source=" + live.getParent(), "export.notify=file:" + dir.resolve("pbs1"));
        Path pbs = conf("pbs1.properties", "node.name=pbs1", "node.role=pull-backup", "node.dir=" + dir.resolve("pbs1"),
                "pbs.source=file:" + dir.resolve("db0"), "pbs.targets=file:" + dir.resolve("db1"),
                "pbs.archive=dir:" + dir.resolve("pbs1/archive"));
        Path importer = conf("db1.properties", "node.name=db1", "node.role=import", "node.dir=" + dir.resolve("db1"),
                "files.target=" + dir.resolve("standby"), "files.source=" + dir.resolve("standby"),
                "export.notify=file:" + dir.resolve("pbs1"));
        for (Path c : List.of(leader, pbs, importer)) {
            run("status", "-c", c.toString());
        }
        run("export", "-c", leader.toString());
        run("pull", "-c", pbs.toString());
        run("import", "-c", importer.toString());
        String repo = "dir:" + dir.resolve("pbs1/archive");
        run("archive", "verify", "--read-data", "--repo", repo);
        run("archive", "restore", "--repo", repo, "latest", dir.resolve("restored").toString());
        assertEquals("---------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("standby/sub/secret"))), "the standby keeps the source's mode");
        assertTrue(Files.isDirectory(dir.resolve("pbs1/archive/packs")), "the archive was written");
        List<String> open = new ArrayList<>();
        for (String node : List.of("db0", "pbs1", "db1", "restored")) {
            open.addAll(open(dir.resolve(node)).stream().map(p -> node + "/" + p).toList());
        }
        assertEquals(List.of(), open);
    }
}
