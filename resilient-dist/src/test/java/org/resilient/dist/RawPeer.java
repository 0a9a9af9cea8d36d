package org.resilient.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.function.Function;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What an attacker (or a misconfigured node) can send a node's https port without the resilient client: a raw
 * {@code POST /inbox} over TLS 1.3 with the client key and trusted CA of a given config, or over plain HTTP.
 */
final class RawPeer {
    private final SSLContext tls;
    private final X509Certificate certificate;

    /**
     * A peer holding the keys named by node settings ({@code node.key-store...}, {@code node.trust-store...}).
     *
     * @param settings a node's settings by key
     */
    RawPeer(Function<String, String> settings) throws Exception {
        KeyStore keys = load(Path.of(settings.apply("node.key-store")),
                Path.of(settings.apply("node.key-store-password-file")));
        KeyStore trust = load(Path.of(settings.apply("node.trust-store")),
                Path.of(settings.apply("node.trust-store-password-file")));
        String alias = Collections.list(keys.aliases()).stream().filter(a -> {
            try {
                return keys.isKeyEntry(a);
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        certificate = (X509Certificate) keys.getCertificate(alias);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password(Path.of(settings.apply("node.key-store-password-file"))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        tls = SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }

    private static KeyStore load(Path store, Path pass) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password(pass));
        }
        return ks;
    }

    private static char[] password(Path file) throws IOException {
        return Files.readString(file).strip().toCharArray();
    }

    /** This peer's certificate, base64 DER (as a message's {@code signer-cert}). */
    String certificateBase64() throws Exception {
        return Base64.getEncoder().encodeToString(certificate.getEncoded());
    }

    /**
     * Posts a message to a node's inbox over https with this peer's client certificate.
     *
     * @return the HTTP status
     * @throws IOException when the connection or the TLS handshake is refused
     */
    int post(URI node, String message) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) node.resolve("/inbox").toURL().openConnection();
        c.setSSLSocketFactory(tls.getSocketFactory());
        c.setHostnameVerifier((host, session) -> true); // the server's refusal is tested, not this client's checks
        return send(c, message);
    }

    /** Posts a message to a node's https port in plain HTTP: @return the HTTP status */
    static int postPlain(URI node, String message) throws IOException {
        URI plain = URI.create("http://" + node.getAuthority() + "/inbox");
        return send((HttpURLConnection) plain.toURL().openConnection(), message);
    }

    private static int send(HttpURLConnection c, String message) throws IOException {
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(message.getBytes(StandardCharsets.UTF_8));
        }
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
