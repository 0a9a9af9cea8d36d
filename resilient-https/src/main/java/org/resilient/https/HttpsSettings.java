package org.resilient.https;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.support.keys.KeyFiles;

/**
 * The settings of an https node, typed. The passwords of the key stores are read from files (mode 0600) named
 * here, never from the settings themselves, so they appear in no config dump, argv or log.
 *
 * @param self the node's name, {@code https://host:port}
 * @param nodeDirectory the node directory ({@code node.dir}), whose {@code inbox/} and {@code backup/} are served
 * @param listen the address to listen on
 * @param plainHttp whether the test switch {@value #INSECURE} turned TLS off
 * @param keys the node's key material files ({@code node.key-store} and siblings, shared with message signing;
 *     null only with {@code plainHttp})
 * @param connectTimeout how long to wait for a peer to accept a connection
 * @param requestTimeout how long to wait for a peer's answer to a message or a transfer step
 */
public record HttpsSettings(URI self, Path nodeDirectory, InetSocketAddress listen, boolean plainHttp, KeyFiles keys,
                            Duration connectTimeout, Duration requestTimeout) {
    /** The test switch that turns TLS off. Never set it outside tests: anyone could then act as a node. */
    public static final String INSECURE = "https.insecure-plain-http-for-tests";
    /** Where the node serves other nodes. */
    static final Setting<String> LISTEN = Setting.string("node.listen", null,
            "host:port the node serves other nodes on (default: loopback, the port of node.uri)");
    static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("https.connect-timeout", "10s",
            "how long to wait to connect to a node").positive();
    static final Setting<Duration> REQUEST_TIMEOUT = Setting.duration("https.request-timeout", "60s",
            "how long to wait for a node to answer one request").positive();
    static final Setting<Boolean> PLAIN = Setting.bool(INSECURE, false,
            "TESTS ONLY: plain HTTP without authentication; never in production");
    private static final Setting<Path> NODE_DIR = Setting.path("node.dir", null, "the node directory");
    /** Every key the transport reads besides {@code node.dir} and the node's keys ({@link KeyFiles#SPECS}). */
    public static final List<SettingSpec> SPECS = java.util.stream.Stream.of(LISTEN, CONNECT_TIMEOUT, REQUEST_TIMEOUT,
            PLAIN).map(Setting::spec).toList();

    /**
     * Reads the settings of the node {@code self}.
     *
     * @param self the node's URI
     * @param s the node's settings
     * @return the typed settings
     * @throws ResilienceException {@code CONFIG_INVALID} naming every malformed value, or the first missing key
     */
    public static HttpsSettings of(URI self, Settings s) {
        // every bad value at once, before the first typed read would stop at one
        List<String> problems = SettingSpec.problems(s, SPECS, java.util.Set.of(SettingSpec.Need.ALWAYS));
        if (!problems.isEmpty()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "invalid https transport settings:\n  "
                    + String.join("\n  ", problems));
        }
        URI name = NodeName.of(self, "node URI");
        boolean plain = PLAIN.get(s);
        Path dir = NODE_DIR.get(s);
        if (dir == null) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "missing setting 'node.dir': the https transport"
                    + " serves the inbox and backups of the node directory; set it in the node's config file");
        }
        KeyFiles keys = KeyFiles.of(s).orElse(null);
        if (!plain && keys == null) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "missing setting '" + KeyFiles.KEY_STORE
                    + "' for https node " + name + ": make the cluster's keys with 'resilient keys init DIR' and "
                    + "'resilient keys add DIR " + name + "', and set the lines it prints");
        }
        return new HttpsSettings(name, dir.toAbsolutePath().normalize(), listen(name, LISTEN.get(s)),
                plain, keys, CONNECT_TIMEOUT.get(s), REQUEST_TIMEOUT.get(s));
    }

    private static InetSocketAddress listen(URI self, String value) {
        if (value == null || value.isBlank()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), self.getPort());
        }
        String v = value.trim();
        int colon = v.lastIndexOf(':');
        try {
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(v.substring(colon + 1));
            if (host.isEmpty() || port < 0 || port > 65535) {
                throw new IllegalArgumentException();
            }
            return new InetSocketAddress(host, port);
        } catch (RuntimeException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "setting 'node.listen' has value '" + value
                    + "', expected host:port like 127.0.0.1:8443 or 0.0.0.0:8443 (all interfaces)");
        }
    }
}
