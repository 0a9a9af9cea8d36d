package org.resilient.cli.observe;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.resilient.core.NodeStatus;
import org.resilient.core.ResilientNode;
import org.resilient.core.node.NodeSettings;
import org.resilient.core.node.PeerStatus;

/**
 * {@code resilient status --cluster}: the status of this node and of every peer it knows ({@code export.notify},
 * {@code pbs.source}, {@code pbs.targets} and the leader it knows). A {@code file:} peer is read from its node
 * directory (nothing in it is changed); any other peer is asked {@code GET /health} at the URL {@code node.peer-health}
 * gives for it, or at its host on this node's {@code node.metrics-listen} port.
 */
public final class ClusterStatus {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One node's row: its status document, or why it could not be had.
     *
     * @param uri the node's URI
     * @param status the document of {@link StatusJson}, or null
     * @param error what failed, or null
     */
    public record Row(URI uri, Map<String, Object> status, String error) {
        /** @return whether the node answered and is healthy */
        public boolean healthy() {
            return status != null && Boolean.TRUE.equals(status.get("healthy"));
        }
    }

    private ClusterStatus() {
    }

    /**
     * Asks every node.
     *
     * @param self this node
     * @param own this node's status
     * @return this node's row first, then one per peer
     */
    public static List<Row> collect(ResilientNode self, NodeStatus own) {
        NodeSettings config = new NodeSettings(self.settings());
        Set<URI> peers = new LinkedHashSet<>();
        Optional.ofNullable(own.leader()).ifPresent(peers::add);
        Optional.ofNullable(config.source()).ifPresent(peers::add);
        peers.addAll(config.pullBackupNodes());
        peers.addAll(config.targets());
        peers.remove(self.uri());
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(self.uri(), StatusJson.toMap(own), null));
        HttpClient http = null;
        for (URI peer : peers) {
            if ("file".equals(peer.getScheme())) {
                rows.add(PeerStatus.read(Path.of(peer), Clock.systemUTC()).map(s -> new Row(peer, StatusJson.toMap(s), null))
                        .orElse(new Row(peer, null, "no node found in " + Path.of(peer) + " (or one that does not describe itself yet)")));
                continue;
            }
            Optional<URI> url = healthUrl(config, peer);
            if (url.isEmpty()) {
                rows.add(new Row(peer, null, "no /health URL known: set node.peer-health=" + peer + "=http://HOST:PORT/health"
                        + " (or node.metrics-listen, whose port the peers share)"));
                continue;
            }
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            }
            rows.add(ask(http, peer, url.get()));
        }
        return rows;
    }

    static Optional<URI> healthUrl(NodeSettings config, URI peer) {
        for (String entry : config.peerHealth()) {
            int eq = entry.indexOf('=');
            if (eq > 0 && NodeSettings.normalize(URI.create(entry.substring(0, eq).trim())).equals(peer)) {
                return Optional.of(URI.create(entry.substring(eq + 1).trim()));
            }
        }
        return config.metricsListen().filter(v -> peer.getHost() != null).map(ObservabilityServer::address)
                .map(a -> URI.create("http://" + (peer.getHost().contains(":") && !peer.getHost().startsWith("[")
                        ? "[" + peer.getHost() + "]" : peer.getHost()) + ":" + a.getPort() + "/health"));
    }

    private static Row ask(HttpClient http, URI peer, URI url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 503) {
                return new Row(peer, null, url + " answered HTTP " + r.statusCode());
            }
            return new Row(peer, MAPPER.readValue(r.body(), new TypeReference<LinkedHashMap<String, Object>>() { }), null);
        } catch (IOException e) {
            return new Row(peer, null, "cannot ask " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Row(peer, null, "interrupted while asking " + url);
        } catch (IllegalArgumentException e) {
            return new Row(peer, null, "bad health URL " + url + ": " + e.getMessage());
        }
    }

    /**
     * The table: name, role, epoch, the age of the last good export, pull and import, healthy; then the problems.
     *
     * @param rows the rows
     * @return the text
     */
    public static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder(String.format("%-12s %-12s %5s %9s %9s %9s  %s%n", "NODE", "ROLE", "EPOCH",
                "EXPORT", "PULL", "IMPORT", "HEALTHY"));
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            if (r.status() == null) {
                t.append(String.format("%-12s %-12s %5s %9s %9s %9s  %s%n", label(r.uri()), "?", "?", "-", "-", "-",
                        "unreachable"));
                notes.add(r.uri() + ": " + r.error());
                continue;
            }
            Map<String, Object> s = r.status();
            t.append(String.format("%-12s %-12s %5s %9s %9s %9s  %s%n", s.get("name"), s.get("role"), s.get("epoch"),
                    age(s, "export"), age(s, "pull"), age(s, "import"), r.healthy() ? "yes" : "NO"));
            if (s.get("problems") instanceof List<?> problems) {
                problems.forEach(p -> notes.add(s.get("name") + ": " + p));
            }
        }
        notes.forEach(n -> t.append(n).append(System.lineSeparator()));
        return t.toString();
    }

    private static String label(URI uri) {
        if ("file".equals(uri.getScheme())) {
            Path name = Path.of(uri).getFileName();
            return name == null ? uri.toString() : name.toString();
        }
        return uri.getHost() == null ? uri.toString() : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** The age of a step's last success, measured against the document's own time (no clock skew between nodes). */
    private static String age(Map<String, Object> s, String step) {
        if (!(s.get("steps") instanceof Map<?, ?> steps) || !(steps.get(step) instanceof Map<?, ?> o)
                || !(o.get("lastSuccess") instanceof String last) || !(s.get("asOf") instanceof String asOf)) {
            return "-";
        }
        Duration d = Duration.between(Instant.parse(last), Instant.parse(asOf));
        return compact(d.isNegative() ? Duration.ZERO : d);
    }

    /**
     * A duration for people: {@code 45s}, {@code 3m12s}, {@code 2h5m}, {@code 1d3h}.
     *
     * @param d the duration
     * @return the text
     */
    public static String compact(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (s < 86400) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
        }
        return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : s % 86400 / 3600 + "h");
    }
}
