package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.NodeRole;
import org.resilient.api.Settings;
import org.resilient.cli.daemon.ControlProtocol.Reply;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.testkit.Poll;

/**
 * {@code resilient takeover} with the embedded coordinator: the request the running node answers on its control
 * channel ({@link NodeRequests}), with three real running nodes in this JVM ({@code files} component, {@code file:}
 * transport, copy archive, their own threads on the real clock); and the command refusing when the node has a
 * coordinator but no daemon runs.
 */
class TakeoverCommandTest {
    @TempDir
    Path dir;
    final List<ResilientNode> running = new ArrayList<>();

    @BeforeEach
    void data() throws IOException {
        Files.createDirectories(dir.resolve("live/db0"));
        Files.writeString(dir.resolve("live/db0/data.txt"), "v0");
    }

    @AfterEach
    void stop() {
        running.forEach(ResilientNode::close);
    }

    private Map<String, String> config(String name, NodeRole role) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("node.name", name);
        s.put("node.role", role.configName());
        s.put("node.dir", dir.resolve("nodes").resolve(name).toString());
        s.put("node.coordinator", "embedded");
        s.put("embedded.dir", dir.resolve("coordination").toString());
        s.put("node.poll-interval", "100ms");
        s.put("export.jitter", "0s");
        if (role == NodeRole.PULL_BACKUP) {
            s.put("pbs.source", dir.resolve("nodes/db0").toUri().toString());
            s.put("pbs.targets", dir.resolve("nodes/db0").toUri() + "," + dir.resolve("nodes/db1").toUri());
            s.put("pbs.archive", "copy:" + dir.resolve("archive"));
        } else {
            s.put("files.source", dir.resolve("live").resolve(name).toString());
            s.put("files.target", dir.resolve("live").resolve(name).toString());
            s.put("export.notify", dir.resolve("nodes/pbs1").toUri().toString());
        }
        return s;
    }

    private ResilientNode start(String name, NodeRole role) {
        ResilientNode n = Resilient.open(Settings.of(config(name, role)), name).start();
        running.add(n);
        return n;
    }

    private static String out(Reply r) {
        return String.join("\n", r.lines().stream().filter(l -> l.startsWith("out ")).toList());
    }

    private static String err(Reply r) {
        return String.join("\n", r.lines().stream().filter(l -> l.startsWith("err ")).toList());
    }

    private static void await(String what, BooleanSupplier done) {
        Poll.until(what, Duration.ofSeconds(30), done);
    }

    @Test
    @DisplayName("takeover on a running standby switches the leadership through the coordinator; the old leader steps down")
    void controlledSwitch() throws Exception {
        ResilientNode db0 = start("db0", NodeRole.EXPORT);
        start("pbs1", NodeRole.PULL_BACKUP);
        ResilientNode db1 = start("db1", NodeRole.IMPORT);
        Path standby = dir.resolve("live/db1/data.txt");
        await("db1 to import db0's first backup", () -> Files.exists(standby));
        Reply r = new NodeRequests(db1).handle(List.of("takeover", "--by", "tester"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(out(r).contains("epoch 0 -> 1") && out(r).contains("db1 leads in epoch 1"), r.toString());
        await("db0 to step down", () -> db0.role() == NodeRole.IMPORT);
        assertEquals(new Epoch(1), db0.epoch());
        Files.writeString(dir.resolve("live/db1/data.txt"), "v1");
        db1.requestExport().join();
        await("db0 to be re-seeded by db1", () -> {
            try {
                return "v1".equals(Files.readString(dir.resolve("live/db0/data.txt")));
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    @DisplayName("takeover of a standby with no good import is refused with the reason, unless --force")
    void noGoodImportRefused() {
        start("db1", NodeRole.IMPORT);
        Reply r = new NodeRequests(running.get(0)).handle(List.of("takeover", "--by", "tester"));
        assertEquals(4, r.exit(), r.toString());
        assertTrue(err(r).contains("has no good import") && err(r).contains("--force"), r.toString());
    }

    @Test
    @DisplayName("takeover on a node with a coordinator but no running daemon says to start it")
    void needsTheDaemon() throws IOException {
        Map<String, String> c = config("db1", NodeRole.IMPORT);
        StringBuilder b = new StringBuilder();
        c.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Path file = Files.writeString(dir.resolve("db1.properties"), b.toString());
        CliRun r = CliRun.of("takeover", "-c", file.toString());
        assertEquals(4, r.status(), r.toString());
        assertTrue(r.err().contains("resilient node -c " + file), r.err());
        CliRun alias = CliRun.of("promote", "-c", file.toString());
        assertEquals(4, alias.status(), "promote is the same command: " + alias);
    }
}
