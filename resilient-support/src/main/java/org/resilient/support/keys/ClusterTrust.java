package org.resilient.support.keys;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Signatures by node keys, checked against the cluster CA: a node signs with its private key and sends its
 * certificate along; a receiver accepts the signature only if that certificate chains to a CA in its trust
 * store (PKIX: signature, validity period, CA constraints) and the signature verifies with its key. The
 * certificate's CN names the signer (its node URI).
 */
public final class ClusterTrust {
    private final KeyStore trustStore;

    /**
     * @param trustStore the cluster's trust store
     */
    public ClusterTrust(KeyStore trustStore) {
        this.trustStore = trustStore;
    }

    /**
     * Signs bytes with a node's key (SHA256withECDSA for the EC keys 'resilient keys' makes, or the key's own
     * algorithm for Ed25519 or RSA keys).
     *
     * @param key the private key
     * @param bytes what to sign
     * @return the signature
     * @throws GeneralSecurityException if the key cannot sign
     */
    public static byte[] sign(PrivateKey key, byte[] bytes) throws GeneralSecurityException {
        try {
            return sign(key, new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory failed", e);
        }
    }

    /**
     * Signs what a stream holds, read in blocks (a MANIFEST of millions of files is not held in memory).
     *
     * @param key the private key
     * @param in what to sign (read to its end, not closed)
     * @return the signature
     * @throws GeneralSecurityException if the key cannot sign
     * @throws IOException if reading fails
     */
    public static byte[] sign(PrivateKey key, InputStream in) throws GeneralSecurityException, IOException {
        Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
        s.initSign(key);
        update(s, in);
        return s.sign();
    }

    private static void update(Signature s, InputStream in) throws IOException, SignatureException {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            s.update(buf, 0, n);
        }
    }

    /**
     * Checks a signature made by a node.
     *
     * @param certificateDer the signer's certificate, DER
     * @param bytes what was signed
     * @param signature the signature
     * @return the signer's name: its certificate's CN
     * @throws GeneralSecurityException saying why the signature is not accepted (unknown CA, expired, bad signature)
     */
    public String verify(byte[] certificateDer, byte[] bytes, byte[] signature) throws GeneralSecurityException {
        try {
            return verify(certificateDer, new ByteArrayInputStream(bytes), signature);
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory failed", e);
        }
    }

    /**
     * Checks a signature made by a node over what a stream holds, read in blocks.
     *
     * @param certificateDer the signer's certificate, DER
     * @param signed what was signed (read to its end, not closed)
     * @param signature the signature
     * @return the signer's name: its certificate's CN
     * @throws GeneralSecurityException saying why the signature is not accepted (unknown CA, expired, bad signature)
     * @throws IOException if reading fails
     */
    public String verify(byte[] certificateDer, InputStream signed, byte[] signature)
            throws GeneralSecurityException, IOException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate cert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(certificateDer));
        PKIXParameters params = new PKIXParameters(trustStore);
        // The cluster CA issues node certificates directly and has no revocation service: a retired node is
        // removed by rotating the CA (see the README), so revocation checking would only fail.
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(cert)), params);
        if (cert.getBasicConstraints() >= 0) {
            throw new GeneralSecurityException("the signer's certificate is a CA certificate, not a node's");
        }
        PublicKey key = cert.getPublicKey();
        Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
        s.initVerify(key);
        update(s, signed);
        if (!s.verify(signature)) {
            throw new GeneralSecurityException("the signature does not match the signed bytes (forged or altered)");
        }
        String cn = commonName(cert.getSubjectX500Principal());
        if (cn == null) {
            throw new GeneralSecurityException("the signer's certificate names no node (no CN)");
        }
        return cn;
    }

    /**
     * The CN of a certificate subject.
     *
     * @param subject the subject
     * @return the CN, or null if it has none
     */
    public static String commonName(X500Principal subject) {
        try {
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static String algorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> keyAlgorithm; // Ed25519, EdDSA
        };
    }
}
