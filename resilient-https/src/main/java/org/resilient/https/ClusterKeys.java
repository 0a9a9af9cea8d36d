package org.resilient.https;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.keys.KeyFiles;
import org.resilient.support.keys.Secrets;

/**
 * The key material of a cluster, in one directory (what {@code resilient keys init|add} calls):
 * <pre>
 * ca.p12, ca.pass        the cluster CA's key and certificate: keep them off the nodes, offline if you can
 * trust.p12, trust.pass  the CA certificate alone: copy to every node (https.trust-store)
 * nodes/&lt;host&gt;_&lt;port&gt;.p12, .pass   one node's key and certificate chain (node.key-store)
 * </pre>
 * Keys are EC P-256, certificates signed with ECDSA/SHA-256: JDK 17's TLS 1.3 accepts them for server and client
 * authentication (the tests run on them). Ed25519 keys were tried and work there too; P-256 is kept because every
 * TLS tool (openssl, curl, other JDKs) speaks it. A node certificate's subject CN is the node's name {@code https://host:port},
 * its subject alternative name the host (so clients can check the host name too). Every file is written with
 * mode 0600; passwords are random and live only in the {@code .pass} files.
 */
public final class ClusterKeys {
    /** The CA's PKCS12 store. */
    public static final String CA_STORE = "ca.p12";
    /** The trust store every node gets. */
    public static final String TRUST_STORE = "trust.p12";
    /** The folder of the node stores. */
    public static final String NODES = "nodes";
    private static final String PASSWORD_SUFFIX = ".pass";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration NODE_VALIDITY = Duration.ofDays(825);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterKeys() {
    }

    /**
     * The files of one node, and the settings that name them.
     *
     * @param node the node's name
     * @param keyStore its key store
     * @param keyStorePasswordFile that store's password file
     * @param trustStore the cluster's trust store
     * @param trustStorePasswordFile that store's password file
     */
    public record NodeKeys(URI node, Path keyStore, Path keyStorePasswordFile, Path trustStore,
                           Path trustStorePasswordFile) {
        /** @return the lines to put into the node's config file */
        public String settings() {
            return new KeyFiles(keyStore, keyStorePasswordFile, trustStore, trustStorePasswordFile).settingsLines();
        }
    }

    /**
     * Creates a cluster CA and the trust store in {@code dir}.
     *
     * @param dir the keys directory (created with mode 0700 if missing)
     * @throws ResilienceException {@code WRONG_STATE} if it holds a CA already (never overwritten),
     *     {@code IO_ERROR} if it cannot be written
     */
    public static void init(Path dir) {
        if (Files.exists(dir.resolve(CA_STORE), LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, dir.resolve(CA_STORE) + " exists: this directory has"
                    + " a cluster CA already; it is never replaced. To rotate it, see 'Keys' in the README");
        }
        try {
            createPrivateDirectory(dir);
            KeyPair ca = keyPair();
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "resilient")
                    .addRDN(BCStyle.CN, "resilient cluster CA " + Long.toHexString(RANDOM.nextLong())).build();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(CA_VALIDITY)), name, ca.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
            X509Certificate cert = sign(b, ca.getPrivate());
            char[] caPassword = newPassword(dir.resolve(CA_STORE + PASSWORD_SUFFIX));
            KeyStore caStore = emptyStore();
            caStore.setKeyEntry("cluster-ca", ca.getPrivate(), caPassword, new X509Certificate[] {cert});
            write(caStore, caPassword, dir.resolve(CA_STORE));
            writeTrustStore(dir, cert);
        } catch (IOException e) {
            throw Fs.ioError("write the cluster keys into", dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new ResilienceException(ErrorCode.INTERNAL, "cannot make the cluster CA: " + e, e);
        }
    }

    /**
     * Makes the key and certificate of a node, signed by the CA in {@code dir}.
     *
     * @param dir the keys directory made by {@link #init(Path)}
     * @param node the node's name, {@code https://host:port}
     * @param replace whether to replace the node's keys if it has some (rotation); otherwise that is an error
     * @return the node's files
     * @throws ResilienceException {@code NOT_FOUND} if {@code dir} has no CA, {@code WRONG_STATE} if the node
     *     has keys and {@code replace} is false, {@code CONFIG_INVALID} for a bad node name
     */
    public static NodeKeys addNode(Path dir, URI node, boolean replace) {
        URI name = NodeName.ofAny(node, "node name");
        Path store = dir.resolve(NODES).resolve(NodeName.fileName(name) + ".p12");
        Path passwordFile = dir.resolve(NODES).resolve(NodeName.fileName(name) + PASSWORD_SUFFIX);
        if (!Files.exists(dir.resolve(CA_STORE), LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, dir + " holds no cluster CA (" + CA_STORE
                    + "); run 'resilient keys init " + dir + "' first");
        }
        if (!replace && Files.exists(store, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "node " + name + " has keys already (" + store
                    + "); to rotate them, add it again with --replace");
        }
        char[] caPassword = Secrets.readPassword(dir.resolve(CA_STORE + PASSWORD_SUFFIX), CA_STORE + PASSWORD_SUFFIX);
        try {
            KeyStore caStore = emptyStore();
            try (InputStream in = Files.newInputStream(dir.resolve(CA_STORE))) {
                caStore.load(in, caPassword);
            }
            PrivateKey caKey = (PrivateKey) caStore.getKey("cluster-ca", caPassword);
            X509Certificate caCert = (X509Certificate) caStore.getCertificate("cluster-ca");
            KeyPair keys = keyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "resilient")
                    .addRDN(BCStyle.CN, name.toString()).build();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(now.minusSeconds(300)), Date.from(now.plus(NODE_VALIDITY)), subject, keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            if (name.getHost() != null) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(hostName(name)));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate cert = sign(b, caKey);
            Files.createDirectories(dir.resolve(NODES));
            Path newPasswordFile = passwordFile.resolveSibling("." + passwordFile.getFileName() + ".new");
            Files.deleteIfExists(newPasswordFile);
            char[] password = newPassword(newPasswordFile);
            KeyStore ks = emptyStore();
            ks.setKeyEntry("node", keys.getPrivate(), password, new X509Certificate[] {cert, caCert});
            Path newStore = store.resolveSibling("." + store.getFileName() + ".new");
            Files.deleteIfExists(newStore);
            write(ks, password, newStore);
            // The store first, then its password: a node reading both in between a rotation fails, never mixes.
            Files.move(newStore, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(newPasswordFile, passwordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new NodeKeys(name, store.toAbsolutePath(), passwordFile.toAbsolutePath(),
                    dir.resolve(TRUST_STORE).toAbsolutePath(), dir.resolve(TRUST_STORE + PASSWORD_SUFFIX).toAbsolutePath());
        } catch (IOException e) {
            throw Fs.ioError("write the keys of " + name + " into", dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot make the keys of " + name + " with the CA in "
                    + dir + ": " + e.getClass().getSimpleName() + "; check ca.p12 and its password file", e);
        } finally {
            Arrays.fill(caPassword, '\0');
        }
    }

    private static void writeTrustStore(Path dir, X509Certificate caCert) throws IOException, GeneralSecurityException {
        char[] password = newPassword(dir.resolve(TRUST_STORE + PASSWORD_SUFFIX));
        KeyStore trust = emptyStore();
        trust.setCertificateEntry("cluster-ca", caCert);
        write(trust, password, dir.resolve(TRUST_STORE));
    }

    private static GeneralName hostName(URI node) {
        String host = node.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            return new GeneralName(GeneralName.iPAddress, host.substring(1, host.length() - 1));
        }
        boolean ip = host.matches("[0-9.]+") || host.contains(":");
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(key)));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        return ks;
    }

    private static char[] newPassword(Path file) throws IOException {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Secrets.writeOwnerOnly(file, (password + "\n").getBytes(StandardCharsets.US_ASCII));
        return password.toCharArray();
    }

    private static void write(KeyStore ks, char[] password, Path file) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        Secrets.writeOwnerOnly(file, out.toByteArray());
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(dir);
            }
        }
    }
}
