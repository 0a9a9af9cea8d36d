package org.example.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.harness.Cluster;

/** The git component in a whole cluster (leader, pull-backup nodes with archives, standbys) in one JVM. */
@DisplayName("A cluster of git nodes")
class GitClusterTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("copies the leader's repository to the standbys; when the leader crashes, a standby takes over by itself"
            + " and its pushes reach the others, the old leader included, which is fenced")
    void failsOver() throws IOException {
        try (Cluster c = Cluster.builder("db", 3).component("git", node -> Map.of("git.repository", repo(node).toString()))
                .automaticFailover().build()) {
            GitFixture.seed(repo("db0"), dir.resolve("work"));
            c.cycle();
            for (String standby : c.imports()) {
                assertEquals(GitFixture.fingerprint(repo("db0")), GitFixture.fingerprint(repo(standby)), standby);
                assertFalse(GitFixture.writable(repo(standby)), standby + " accepts pushes before a takeover");
            }
            c.crash("db0");
            String leader = c.awaitLeader(Duration.ofSeconds(20)).name();
            assertTrue(GitFixture.writable(repo(leader)), "the promoted standby " + leader + " refuses pushes");
            Path work = dir.resolve("work");
            Files.writeString(work.resolve("README"), "written after the takeover\n");
            GitFixture.commit(work, "after the takeover");
            GitFixture.git(work, "push", "--quiet", repo(leader).toString(), "main");
            c.restart("db0"); // a crashed node is unreachable: until it is back, a cycle fails its push to it
            c.run(Duration.ofSeconds(2));
            c.cycle();
            for (String standby : c.imports()) {
                assertEquals(GitFixture.fingerprint(repo(leader)), GitFixture.fingerprint(repo(standby)), standby);
                assertFalse(GitFixture.writable(repo(standby)), standby + " accepts pushes as a standby");
            }
            assertTrue(c.imports().contains("db0"), "the old leader did not return as a standby: " + c.imports());
        }
    }

    private Path repo(String node) {
        return dir.resolve(node + ".git");
    }
}
