package org.resilient.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.CoordinatorProvider;

class ZooKeeperCoordinatorProviderTest {

    @Test
    @DisplayName("is found by ServiceLoader, with documented defaults for a failover under 10 s")
    void discovered() {
        CoordinatorProvider p = ServiceLoader.load(CoordinatorProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("zookeeper")).findFirst().orElseThrow();
        assertTrue(p.description().contains("several machines"), p.description());
        assertEquals("4s", p.settings().stream().filter(s -> s.key().equals("zookeeper.session-timeout")).findFirst()
                .orElseThrow().defaultValue());
        assertTrue(p.settings().stream().filter(s -> s.key().equals("zookeeper.connect")).findFirst().orElseThrow().required());
    }

    @Test
    @DisplayName("refuses a missing ensemble or a malformed base path, naming the setting")
    void badSettings() {
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> new ZooKeeperCoordinatorProvider().open(Settings.of(Map.of("node.name", "a"))));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("zookeeper.connect"), e.getMessage());
        e = assertThrows(ResilienceException.class, () -> new ZooKeeperCoordinatorProvider().open(Settings.of(Map.of(
                "node.name", "a", "zookeeper.connect", "127.0.0.1:1", "zookeeper.base-path", "no/slash"))));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("zookeeper.base-path"), e.getMessage());
    }

    @Test
    @DisplayName("fails with UNREACHABLE within the connection timeout when no server answers")
    void unreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Instant start = Instant.now();
        ResilienceException e = assertThrows(ResilienceException.class, () -> new ZooKeeperCoordinatorProvider().open(
                Settings.of(Map.of("node.name", "a", "zookeeper.connect", "127.0.0.1:" + port,
                        "zookeeper.connection-timeout", "1s")), Clock.systemUTC()));
        assertEquals(ErrorCode.UNREACHABLE, e.code());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 10, "took too long to give up");
    }
}
