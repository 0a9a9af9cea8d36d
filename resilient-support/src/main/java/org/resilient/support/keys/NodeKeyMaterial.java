package org.resilient.support.keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * A node's loaded key material: its private key and certificate chain (from its key store) and the cluster's
 * trust store (the CA every node's certificate chains to). The passwords are read from their files and wiped
 * after use; none is kept, logged or put into an error message.
 *
 * @param keyStore the node's key store, loaded
 * @param keyPassword the key store's password, for a TLS key manager (the caller wipes it when done)
 * @param privateKey the node's private key
 * @param chain the node's certificate, then its issuers
 * @param trustStore the cluster's trust store, holding at least one certificate
 */
public record NodeKeyMaterial(KeyStore keyStore, char[] keyPassword, PrivateKey privateKey, List<X509Certificate> chain,
                              KeyStore trustStore) {

    /**
     * Loads the key material named by the settings.
     *
     * @param files the files
     * @return the loaded material
     * @throws ResilienceException {@code CONFIG_INVALID} if a store or password file is missing, readable by others,
     *     wrong, or holds no key (the message says which file and what to do, never a password)
     */
    public static NodeKeyMaterial load(KeyFiles files) {
        char[] keyPassword = Secrets.readPassword(files.keyStorePasswordFile(), KeyFiles.KEY_STORE_PASSWORD_FILE);
        char[] trustPassword = Secrets.readPassword(files.trustStorePasswordFile(), KeyFiles.TRUST_STORE_PASSWORD_FILE);
        try {
            KeyStore keys = loadStore(files.keyStore(), keyPassword, KeyFiles.KEY_STORE);
            KeyStore trust = loadStore(files.trustStore(), trustPassword, KeyFiles.TRUST_STORE);
            if (trust.size() == 0) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "trust store " + files.trustStore()
                        + " holds no certificate; use the trust.p12 made by 'resilient keys init'");
            }
            for (String alias : Collections.list(keys.aliases())) {
                if (keys.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) keys.getKey(alias, keyPassword);
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : keys.getCertificateChain(alias)) {
                        chain.add((X509Certificate) c);
                    }
                    return new NodeKeyMaterial(keys, keyPassword.clone(), key, List.copyOf(chain), trust);
                }
            }
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "key store " + files.keyStore()
                    + " holds no private key; use the node's .p12 made by 'resilient keys add'");
        } catch (GeneralSecurityException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot use key store " + files.keyStore()
                    + " and trust store " + files.trustStore() + ": " + e.getClass().getSimpleName()
                    + "; check that they are the files 'resilient keys' made and match their password files", e);
        } finally {
            Arrays.fill(keyPassword, '\0');
            Arrays.fill(trustPassword, '\0');
        }
    }

    /** @return the node's own certificate */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Wipes the key store password this record holds. */
    public void wipePassword() {
        Arrays.fill(keyPassword, '\0');
    }

    private static KeyStore loadStore(Path file, char[] password, String key) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cannot read " + key + " " + file + ": "
                    + (e.getCause() instanceof UnrecoverableKeyException
                    ? "wrong password (check its password file)" : e.getClass().getSimpleName())
                    + "; it must be a PKCS12 file made by 'resilient keys'", e);
        }
    }
}
