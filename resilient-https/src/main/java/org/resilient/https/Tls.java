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
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
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
     * The parameters every connection uses: TLS 1.3 only, and (on a server) a client certificate required.
     *
     * @param ctx the context
     * @param server whether for the server side
     * @return the parameters
     */
    static SSLParameters parameters(SSLContext ctx, boolean server) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        if (server) {
            p.setNeedClientAuth(true);
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
