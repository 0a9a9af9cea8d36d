package org.resilient.core.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.MessageCodec;
import org.resilient.api.MessageSignature;
import org.resilient.api.NodeLayout;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.hash.Sha256;
import org.resilient.support.keys.ClusterTrust;
import org.resilient.support.keys.KeyFiles;
import org.resilient.support.keys.NodeKeyMaterial;
import org.slf4j.Logger;

/**
 * A node's authentication of what it sends and receives, on every transport. With key material
 * ({@code node.key-store} etc.) every message and every published manifest is signed with the node's key, and
 * nothing unsigned, signed by a key outside the cluster CA, signed by another node than it claims, or replayed
 * is accepted. Without key material the node runs unsigned (the in-process demo), which it logs once.
 *
 * <p>Replay: a keyed receiver records, per sender, the {@code (sent-at, nonce)} of the last message it
 * accepted in {@code state/senders/}; a message not strictly newer is refused. A sender makes its
 * {@code sent-at} strictly increasing within its process.
 */
public final class NodeAuth {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIG_MAGIC = "resilient-manifest-signature";
    private static Instant lastSent = Instant.EPOCH;

    private final NodeKeyMaterial keys;
    private final ClusterTrust trust;
    private final Path senders;

    private NodeAuth(NodeKeyMaterial keys, Path senders) {
        this.keys = keys;
        this.trust = keys == null ? null : new ClusterTrust(keys.trustStore());
        this.senders = senders;
    }

    /**
     * Loads the node's key material, if configured.
     *
     * @param settings the node's settings
     * @param layout its directories
     * @param log where the unsigned-mode warning goes
     * @return the node's authentication
     * @throws ResilienceException {@code CONFIG_INVALID} for incomplete or unusable key settings
     */
    public static NodeAuth open(Settings settings, NodeLayout layout, Logger log) {
        NodeKeyMaterial keys = KeyFiles.of(settings).map(NodeKeyMaterial::load).orElse(null);
        if (keys == null) {
            log.warn("no key material configured ({}): messages and backups of this node are NOT authenticated; "
                    + "any process that can write to its inbox can command it. Run 'resilient keys' for a real cluster",
                    KeyFiles.KEY_STORE);
        } else {
            keys.wipePassword();
        }
        return new NodeAuth(keys, layout.state().resolve("senders"));
    }

    /** @return whether this node has keys (signs, and refuses anything unsigned) */
    public boolean keyed() {
        return keys != null;
    }

    /**
     * Signs a message (unchanged without keys).
     *
     * @param m the message
     * @param now the time it is sent
     * @return the signed message
     */
    public Message sign(Message m, Instant now) {
        if (keys == null) {
            return m;
        }
        Instant at = nextSentAt(now);
        Message unsigned = m.signed(at, HexFormat.of().formatHex(randomBytes()), null);
        try {
            byte[] sig = ClusterTrust.sign(keys.privateKey(), MessageCodec.signedBytes(unsigned));
            return unsigned.signed(at, unsigned.nonce(), MessageSignature.of(keys.certificate().getEncoded(), sig));
        } catch (GeneralSecurityException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot sign with this node's key ("
                    + e.getClass().getSimpleName() + "); check " + KeyFiles.KEY_STORE, e);
        }
    }

    private static synchronized Instant nextSentAt(Instant now) {
        lastSent = now.isAfter(lastSent) ? now : lastSent.plusNanos(1);
        return lastSent;
    }

    /**
     * Checks a received message: its signature, its signer and that it is not a replay; records it as the
     * sender's newest. Without keys, accepts anything.
     *
     * @param m the message
     * @param from its normalized sender
     * @throws ResilienceException {@code AUTHENTICATION_FAILED} saying why it is refused
     */
    public void check(Message m, URI from) {
        if (keys == null) {
            return;
        }
        URI signer = verified(m.signature() == null ? null : m.signature().certificateDer(),
                m.signature() == null ? null : m.signature().signatureBytes(), MessageCodec.signedBytes(m), "message");
        if (!signer.equals(from)) {
            throw refused("the message says it is from " + from + " but is signed by " + signer);
        }
        if (m.nonce() == null) {
            throw refused("the message has no nonce");
        }
        Path record = senders.resolve(Sha256.of(from.toString().getBytes(StandardCharsets.UTF_8)));
        String mark = m.sentAt() + " " + m.nonce();
        if (Files.exists(record, LinkOption.NOFOLLOW_LINKS)) {
            try {
                String[] last = Files.readString(record).trim().split(" ", 2);
                int c = m.sentAt().compareTo(Instant.parse(last[0]));
                if (c < 0 || (c == 0 && m.nonce().compareTo(last[1]) <= 0)) {
                    throw refused("replayed or out of order: sent at " + m.sentAt() + ", not after the last message "
                            + "accepted from " + from + " (sent at " + last[0] + ")");
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof ResilienceException r) {
                    throw r;
                }
                throw refused("the record of " + from + "'s last message (" + record + ") is unreadable: "
                        + e.getClass().getSimpleName() + "; delete it to accept this sender again");
            }
        }
        try {
            Files.createDirectories(senders);
        } catch (IOException e) {
            throw AtomicFiles.ioError("create", senders, e);
        }
        AtomicFiles.write(record, (mark + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@value NodeLayout#MANIFEST_SIGNATURE} into a sealed backup directory (nothing without keys).
     *
     * @param backupDir the backup directory holding its MANIFEST
     */
    public void signManifest(Path backupDir) {
        if (keys == null) {
            return;
        }
        try {
            byte[] sig;
            try (InputStream in = Files.newInputStream(NodeLayout.manifest(backupDir))) {
                sig = ClusterTrust.sign(keys.privateKey(), in); // streamed: a MANIFEST may list millions of files
            }
            MessageSignature s = MessageSignature.of(keys.certificate().getEncoded(), sig);
            AtomicFiles.write(NodeLayout.manifestSignature(backupDir), (SIG_MAGIC + "=1\nsigner-cert=" + s.certificate()
                    + "\nsignature=" + s.value() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw AtomicFiles.ioError("sign the MANIFEST of", backupDir, e);
        } catch (GeneralSecurityException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot sign with this node's key ("
                    + e.getClass().getSimpleName() + "); check " + KeyFiles.KEY_STORE, e);
        }
    }

    /**
     * Checks a backup's {@value NodeLayout#MANIFEST_SIGNATURE} (nothing without keys): it must be a valid
     * signature over the MANIFEST bytes by a cluster node, and by the node the MANIFEST names as its source.
     *
     * @param backupDir the backup directory
     * @param sourceNode the MANIFEST's source node, normalized
     * @return the signer, or null without keys
     * @throws ResilienceException {@code AUTHENTICATION_FAILED} if unsigned, forged, altered or signed by another node
     */
    public URI verifyManifest(Path backupDir, URI sourceNode) {
        if (keys == null) {
            return null;
        }
        Path file = NodeLayout.manifestSignature(backupDir);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "backup " + backupDir + " has no "
                    + NodeLayout.MANIFEST_SIGNATURE + ": it is not signed by a node of this cluster and is not used");
        }
        try {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String line : Files.readString(file, StandardCharsets.US_ASCII).split("\n", -1)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            if (!"1".equals(kv.get(SIG_MAGIC)) || kv.get("signer-cert") == null || kv.get("signature") == null) {
                throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, NodeLayout.MANIFEST_SIGNATURE + " of "
                        + backupDir + " is malformed; the backup is not used");
            }
            MessageSignature s = new MessageSignature(kv.get("signer-cert"), kv.get("signature"));
            URI signer = verifiedManifest(s, NodeLayout.manifest(backupDir), "manifest of " + backupDir);
            if (!signer.equals(sourceNode)) {
                throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "the MANIFEST of " + backupDir
                        + " names " + sourceNode + " as its exporter but is signed by " + signer + "; it is not used");
            }
            return signer;
        } catch (IOException e) {
            throw AtomicFiles.ioError("read", file, e);
        } catch (IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, NodeLayout.MANIFEST_SIGNATURE + " of "
                    + backupDir + " is malformed (" + e.getMessage() + "); the backup is not used");
        }
    }

    /** {@link #verified} over a MANIFEST file read in blocks (it may list millions of files). */
    private URI verifiedManifest(MessageSignature s, Path manifest, String what) throws IOException {
        try (InputStream in = Files.newInputStream(manifest)) {
            return NodeSettings.normalize(URI.create(trust.verify(s.certificateDer(), in, s.signatureBytes())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw notAccepted(what, e);
        }
    }

    private URI verified(byte[] cert, byte[] sig, byte[] bytes, String what) {
        if (cert == null || sig == null) {
            throw refused("the " + what + " is not signed, and this node accepts only signed ones");
        }
        try {
            return NodeSettings.normalize(URI.create(trust.verify(cert, bytes, sig)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw notAccepted(what, e);
        }
    }

    private static ResilienceException notAccepted(String what, Exception e) {
        return new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "the signature of the " + what
                + " is not accepted: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())
                + " (is the signer a node of this cluster, with a certificate of its CA?)");
    }

    private static ResilienceException refused(String why) {
        return new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, why);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }
}
