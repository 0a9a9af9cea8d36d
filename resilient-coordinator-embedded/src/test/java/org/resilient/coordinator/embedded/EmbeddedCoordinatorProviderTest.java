package org.resilient.coordinator.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.CoordinatorProvider;
import org.resilient.testkit.ManualClock;

class EmbeddedCoordinatorProviderTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T16:00:00Z"));

    Coordinator open(String name, Map<String, String> more) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("node.name", name, "embedded.dir", dir.toString()));
        m.putAll(more);
        return new EmbeddedCoordinatorProvider().open(Settings.of(m), clock);
    }

    @Test
    @DisplayName("is found by ServiceLoader and says it is for one machine only")
    void discovered() {
        CoordinatorProvider p = ServiceLoader.load(CoordinatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("embedded")).findFirst().orElseThrow();
        assertTrue(p.description().contains("ONE machine"), p.description());
        assertTrue(p.settings().stream().allMatch(s -> s.prefix().equals("embedded")));
    }

    @Test
    @DisplayName("refuses settings it cannot work with, saying which")
    void badSettings() {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> new EmbeddedCoordinatorProvider().open(Settings.of(Map.of("node.name", "a")), clock));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("embedded.dir"), e.getMessage());
        e = assertThrows(ResilienceException.class, () -> open("a", Map.of("embedded.lease-ttl", "2s")));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("embedded.lease-ttl"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> open("../a", Map.of()));
    }

    @Test
    @DisplayName("skips a damaged member file and refuses a damaged epoch file, saying what to do")
    void damagedFiles() throws Exception {
        Coordinator a = open("a", Map.of());
        a.join(MemberState.of("a", NodeRole.IMPORT, Epoch.INITIAL, clock.instant()));
        Files.writeString(dir.resolve("members").resolve("b"), "this is not a state\n");
        assertEquals(List.of("a"), a.members().stream().map(MemberState::name).toList());
        Files.writeString(dir.resolve("epoch"), "epoch=seven\n");
        ResilienceException e = assertThrows(ResilienceException.class, a::epoch);
        assertEquals(ErrorCode.MESSAGE_INVALID, e.code());
        assertThrows(ResilienceException.class, () -> a.advanceEpoch(Epoch.INITIAL, new Epoch(1)));
        assertEquals("epoch=seven\n", Files.readString(dir.resolve("epoch")), "a damaged epoch file was changed");
    }

    @Test
    @DisplayName("a leader stops exporting a margin before its lease expires when it misses renewals")
    void margin() {
        Coordinator a = open("a", Map.of());
        Coordinator b = open("b", Map.of());
        var lease = a.tryAcquireLease().orElseThrow();
        clock.advance(java.time.Duration.ofMillis(3999));
        assertTrue(lease.mayExport());
        clock.advance(java.time.Duration.ofMillis(1));
        assertTrue(!lease.mayExport(), "still exporting within the 1 s margin before expiry");
        assertTrue(b.tryAcquireLease().isEmpty(), "the lease was free before it expired");
        clock.advance(java.time.Duration.ofSeconds(1));
        assertTrue(b.tryAcquireLease().isPresent());
    }
}
