package org.resilient.coordinator.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;

/** The embedded coordinator between separate OS processes, as the node daemons of one machine use it. */
@Timeout(120)
class CrossProcessTest {
    @TempDir
    Path dir;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private Process child(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChildNode.class.getName(), dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        return p;
    }

    private Coordinator open(String name) {
        return new EmbeddedCoordinatorProvider().open(Settings.of(Map.of("node.name", name, "embedded.dir", dir.toString(),
                "embedded.lease-ttl", "1500ms", "embedded.heartbeat-interval", "200ms", "embedded.lease-margin", "300ms")),
                Clock.systemUTC());
    }

    @Test
    @DisplayName("processes racing on the epoch never both win one compare-and-set")
    void casAcrossProcesses() throws Exception {
        int processes = 3;
        int wins = 40;
        List<Process> racers = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            racers.add(child("racer" + i, "cas", Integer.toString(wins)));
        }
        for (Process p : racers) {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "a racing process did not finish");
            assertEquals(0, p.exitValue());
            assertEquals("done", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        }
        // Each process stopped after its own count of wins; a double win would have moved the epoch once for two.
        try (Coordinator c = open("observer")) {
            assertEquals(new Epoch((long) processes * wins), c.epoch());
        }
    }

    @Test
    @DisplayName("a lease held by a live process is refused to others; after kill -9 it frees within the lease time")
    void leaseAcrossProcesses() throws Exception {
        Process holder = child("db0", "hold");
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("leader", out.readLine());
        try (Coordinator db1 = open("db1")) {
            assertEquals("db0", db1.leaseHolder().orElseThrow());
            // Poll for three lease lifetimes: the live holder keeps renewing, so the lease is never free.
            Instant until = Instant.now().plus(Duration.ofMillis(4500));
            while (Instant.now().isBefore(until)) {
                assertTrue(db1.tryAcquireLease().isEmpty(), "took the lease of a live holder");
                assertTrue(db1.members().stream().anyMatch(m -> m.name().equals("db0")));
                Thread.sleep(100);
            }
            Instant killed = Instant.now();
            holder.destroyForcibly().waitFor();
            while (db1.tryAcquireLease().isEmpty()) {
                if (Duration.between(killed, Instant.now()).toSeconds() > 20) {
                    fail("the lease of a killed holder never freed");
                }
                Thread.sleep(50);
            }
            Duration took = Duration.between(killed, Instant.now());
            // Bounded by the lease's lifetime, not by how busy the machine is: a few lifetimes at most.
            assertTrue(took.toMillis() < 6000, "the lease took " + took + " to free (lease-ttl 1500ms)");
            // The membership file was renewed at its own moment (up to one heartbeat after the lease file), so it
            // expires up to a heartbeat later: poll for it with a deadline of one more lease lifetime.
            Instant memberDeadline = Instant.now().plus(Duration.ofMillis(1500));
            while (db1.members().stream().anyMatch(m -> m.name().equals("db0")) && Instant.now().isBefore(memberDeadline)) {
                Thread.sleep(50);
            }
            assertTrue(db1.members().stream().noneMatch(m -> m.name().equals("db0")), "the dead node is still a member");
        }
    }
}
