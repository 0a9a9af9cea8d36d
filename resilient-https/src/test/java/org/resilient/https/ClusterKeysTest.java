package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.support.keys.ClusterTrust;

@DisplayName("ClusterKeys: the cluster's CA and node keys")
class ClusterKeysTest {
    @TempDir
    Path tmp;

    private static X509Certificate nodeCertificate(ClusterKeys.NodeKeys k) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(k.keyStore())) {
            ks.load(in, Files.readString(k.keyStorePasswordFile()).strip().toCharArray());
        }
        return (X509Certificate) ks.getCertificate("node");
    }

    @Test
    @DisplayName("writes every file with mode 0600 in a 0700 directory, the CA apart from what nodes get")
    void filesArePrivate() throws IOException {
        Path keys = tmp.resolve("keys");
        ClusterKeys.init(keys);
        ClusterKeys.NodeKeys k = ClusterKeys.addNode(keys, URI.create("https://db1.example.org:8443"), false);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        try (Stream<Path> s = Files.walk(keys)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f::toString);
            }
        }
        assertEquals(keys.resolve("nodes/db1.example.org_8443.p12").toAbsolutePath(), k.keyStore());
        assertTrue(k.settings().contains("node.key-store-password-file=" + k.keyStorePasswordFile()));
        assertFalse(k.settings().contains(Files.readString(k.keyStorePasswordFile()).strip()),
                "the settings lines hold the password");
    }

    @Test
    @DisplayName("a node certificate names the node (CN), its host (SAN), and serves both TLS sides, signed by the CA")
    void nodeCertificate() throws Exception {
        Path keys = tmp.resolve("keys");
        ClusterKeys.init(keys);
        X509Certificate dns = nodeCertificate(ClusterKeys.addNode(keys, URI.create("https://DB1.example.org:8443/"), false));
        assertEquals("https://db1.example.org:8443",
                ClusterTrust.commonName(dns.getSubjectX500Principal()));
        assertEquals(List.of(List.of(2, "db1.example.org")), dns.getSubjectAlternativeNames().stream().toList());
        assertTrue(dns.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
        assertEquals("EC", dns.getPublicKey().getAlgorithm());
        assertEquals(-1, dns.getBasicConstraints(), "a node certificate must not be a CA");
        X509Certificate ip = nodeCertificate(ClusterKeys.addNode(keys, URI.create("https://10.0.0.7:9000"), false));
        assertEquals(List.of(List.of(7, "10.0.0.7")), ip.getSubjectAlternativeNames().stream().toList());
        assertEquals(dns.getIssuerX500Principal(), ip.getIssuerX500Principal());
    }

    @Test
    @DisplayName("never overwrites a CA, and replaces a node's keys only when asked (rotation)")
    void noSilentOverwrite() throws Exception {
        Path keys = tmp.resolve("keys");
        ClusterKeys.init(keys);
        byte[] ca = Files.readAllBytes(keys.resolve(ClusterKeys.CA_STORE));
        assertEquals(ErrorCode.WRONG_STATE, assertThrows(ResilienceException.class, () -> ClusterKeys.init(keys)).code());
        assertTrue(java.util.Arrays.equals(ca, Files.readAllBytes(keys.resolve(ClusterKeys.CA_STORE))));
        URI node = URI.create("https://127.0.0.1:8443");
        X509Certificate first = nodeCertificate(ClusterKeys.addNode(keys, node, false));
        assertEquals(ErrorCode.WRONG_STATE,
                assertThrows(ResilienceException.class, () -> ClusterKeys.addNode(keys, node, false)).code());
        X509Certificate rotated = nodeCertificate(ClusterKeys.addNode(keys, node, true));
        assertNotEquals(first.getPublicKey(), rotated.getPublicKey());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(ResilienceException.class,
                () -> ClusterKeys.addNode(tmp.resolve("nothing"), node, false)).code());
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ResilienceException.class,
                () -> ClusterKeys.addNode(keys, URI.create("http://127.0.0.1:8443"), false)).code());
    }

    @Test
    @DisplayName("a password file readable by others, or a wrong password, is refused without showing the password")
    void passwordFiles() throws IOException {
        Path keys = tmp.resolve("keys");
        ClusterKeys.init(keys);
        URI node = URI.create("https://127.0.0.1:8443");
        ClusterKeys.NodeKeys k = ClusterKeys.addNode(keys, node, false);
        Settings s = Settings.of(Map.of("node.dir", tmp.resolve("n").toString(),
                "https.key-store", k.keyStore().toString(),
                "https.key-store-password-file", k.keyStorePasswordFile().toString(),
                "https.trust-store", k.trustStore().toString(),
                "https.trust-store-password-file", k.trustStorePasswordFile().toString()));
        String password = Files.readString(k.keyStorePasswordFile()).strip();
        Files.setPosixFilePermissions(k.keyStorePasswordFile(), PosixFilePermissions.fromString("rw-r--r--"));
        ResilienceException open = assertThrows(ResilienceException.class,
                () -> new HttpsTransportProvider().open(node, s));
        assertEquals(ErrorCode.CONFIG_INVALID, open.code());
        assertTrue(open.getMessage().contains("chmod 600"), open::getMessage);
        assertFalse(open.getMessage().contains(password));

        Files.setPosixFilePermissions(k.keyStorePasswordFile(), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(k.keyStorePasswordFile(), "not-the-password\n");
        ResilienceException wrong = assertThrows(ResilienceException.class,
                () -> new HttpsTransportProvider().serve(node, s));
        assertEquals(ErrorCode.CONFIG_INVALID, wrong.code());
        assertFalse(wrong.getMessage().contains("not-the-password"), wrong::getMessage);

        ResilienceException missing = assertThrows(ResilienceException.class, () -> new HttpsTransportProvider()
                .open(node, Settings.of(Map.of("node.dir", tmp.toString()))));
        assertEquals(ErrorCode.CONFIG_INVALID, missing.code());
        assertTrue(missing.getMessage().contains("resilient keys"), missing::getMessage);
    }
}
