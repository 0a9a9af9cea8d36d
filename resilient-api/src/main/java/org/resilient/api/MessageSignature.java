package org.resilient.api;

import java.util.Base64;
import java.util.Objects;

/**
 * A node's signature on a message: its certificate (which a receiver checks against the cluster CA, and whose
 * CN must be the message's {@code from}) and the signature over the message's canonical bytes
 * ({@link MessageCodec#signedBytes}). Both are base64 text, as they travel.
 *
 * @param certificate the signer's X.509 certificate, DER in base64
 * @param value the signature, base64
 */
public record MessageSignature(String certificate, String value) {
    /**
     * Checks that both are base64.
     *
     * @throws IllegalArgumentException if either is empty or not base64
     */
    public MessageSignature {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(value, "value");
        if (certificate.isEmpty() || value.isEmpty()) {
            throw new IllegalArgumentException("signer-cert and signature must not be empty");
        }
        Base64.getDecoder().decode(certificate);
        Base64.getDecoder().decode(value);
    }

    /**
     * A signature from its bytes.
     *
     * @param certificateDer the certificate, DER
     * @param signature the signature bytes
     * @return the signature
     */
    public static MessageSignature of(byte[] certificateDer, byte[] signature) {
        return new MessageSignature(Base64.getEncoder().encodeToString(certificateDer),
                Base64.getEncoder().encodeToString(signature));
    }

    /** @return the certificate's DER bytes */
    public byte[] certificateDer() {
        return Base64.getDecoder().decode(certificate);
    }

    /** @return the signature bytes */
    public byte[] signatureBytes() {
        return Base64.getDecoder().decode(value);
    }
}
