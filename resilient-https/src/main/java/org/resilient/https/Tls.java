package org.resilient.https;

import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.keys.ClusterTrust;
import org.resilient.support.keys.NodeKeyMaterial;

/**
 * TLS 1.3 with mutual authentication on the JDK's own stack: the node's key store gives its certificate, the
 * trust store the cluster CA that every peer's certificate must chain to. A client also checks that the
 * server's certificate names the node it meant to reach (CN {@code https://host:port}), not merely some node
 * of the cluster on that host.
 */
final class Tls {
    /** The only protocol offered or accepted. */
    static final String PROTOCOL = "TLSv1.3";
    /**
     * The TLS 1.3 suites, fastest first for the JDK 17 on x86-64 and aarch64: AES-GCM runs on the CPU's AES and
     * carry-less multiply instructions (about 2.4 GB/s per core measured for the bench), ChaCha20-Poly1305 is plain
     * Java there (about 0.2 GB/s), so it is kept only for a peer that offers nothing else. AES-256 stays first
     * (it measured as fast as AES-128 here); the server's order decides.
     */
    static final String[] CIPHER_SUITES = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256"};

    private Tls() {
    }

    /**
     * Builds the SSL context of a node.
     *
     * @param s the node's settings
     * @return the context, for both its server and its client
     * @throws ResilienceException {@code CONFIG_INVALID} if a store or password file is missing or wrong
     */
    static SSLContext context(HttpsSettings s) {
        NodeKeyMaterial keys = NodeKeyMaterial.load(s.keys());
        try {
            // SunX509 (the JDK's default) decrypts the private key once, here. PKIX's key manager reads it from the
            // PKCS12 store again for every handshake (a new alias each time defeats its cache): 10,000 PBKDF2
            // rounds, 0.1 to 0.7 s of CPU per connection, on both sides, measured in the transfer bench.
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(keys.keyStore(), keys.keyPassword());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(keys.trustStore());
            X509ExtendedTrustManager pkix = (X509ExtendedTrustManager) Arrays.stream(tmf.getTrustManagers())
                    .filter(t -> t instanceof X509ExtendedTrustManager).findFirst().orElseThrow();
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), new TrustManager[] {new NamedPeer(pkix)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot set up TLS from key store "
                    + s.keys().keyStore() + " and trust store " + s.keys().trustStore() + ": " + e.getClass().getSimpleName()
                    + "; check that they are the files 'resilient keys' made and match their password files", e);
        } finally {
            keys.wipePassword();
        }
    }

    /**
     * The parameters every connection uses: TLS 1.3 only, AES-GCM before ChaCha20, and (on a server) a client
     * certificate required.
     *
     * @param ctx the context
     * @param server whether for the server side
     * @return the parameters
     */
    static SSLParameters parameters(SSLContext ctx, boolean server) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setCipherSuites(CIPHER_SUITES.clone());
        if (server) {
            p.setNeedClientAuth(true);
            p.setUseCipherSuitesOrder(true);
        }
        return p;
    }

    /**
     * The authenticated node at the other end of a TLS session.
     *
     * @param session the session
     * @return its name from its certificate's CN, or null if it showed none or a CN that is no node name
     */
    static URI peer(SSLSession session) {
        try {
            if (session.getPeerPrincipal() instanceof X500Principal p) {
                String cn = ClusterTrust.commonName(p);
                return cn == null ? null : NodeName.parse(cn);
            }
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        return null;
    }

    /**
     * The cluster's PKIX checks, plus on the client side: the server's certificate CN must be the node the
     * connection was opened to ({@code https://<peer host>:<peer port>}).
     */
    private static final class NamedPeer extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;

        NamedPeer(X509ExtendedTrustManager pkix) {
            this.pkix = pkix;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            URI expected = NodeName.parse("https://" + engine.getPeerHost() + ":" + engine.getPeerPort());
            String cn = ClusterTrust.commonName(chain[0].getSubjectX500Principal());
            URI named = cn == null ? null : NodeName.parse(cn);
            if (expected == null || !expected.equals(named)) {
                throw new CertificateException("the node at " + engine.getPeerHost() + ":" + engine.getPeerPort()
                        + " presented the certificate of '" + cn + "', not of " + expected);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("https nodes connect through SSLEngine only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("https nodes connect through SSLEngine only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
