package org.resilient.support.keys;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Type;
import org.resilient.api.Settings;

/**
 * Where a node's key material is: the node-level settings every transport uses (declared here once).
 * {@code https.key-store} and its siblings, the names of the first https release, still work as deprecated
 * aliases; a {@code node.*} key wins over its alias.
 *
 * @param keyStore the node's PKCS12 key store (its private key and certificate chain)
 * @param keyStorePasswordFile the file (0600) holding its password
 * @param trustStore the PKCS12 trust store with the cluster CA's certificate
 * @param trustStorePasswordFile the file (0600) holding its password
 */
public record KeyFiles(Path keyStore, Path keyStorePasswordFile, Path trustStore, Path trustStorePasswordFile) {
    /** The node's key store. */
    public static final String KEY_STORE = "node.key-store";
    /** The file holding the key store's password. */
    public static final String KEY_STORE_PASSWORD_FILE = "node.key-store-password-file";
    /** The cluster's trust store. */
    public static final String TRUST_STORE = "node.trust-store";
    /** The file holding the trust store's password. */
    public static final String TRUST_STORE_PASSWORD_FILE = "node.trust-store-password-file";
    private static final List<String> KEYS = List.of(KEY_STORE, KEY_STORE_PASSWORD_FILE, TRUST_STORE,
            TRUST_STORE_PASSWORD_FILE);

    /** The settings, with their deprecated {@code https.*} aliases. */
    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.optional(KEY_STORE, Type.PATH, null,
                    "this node's PKCS12 key store (key and certificate), made by 'resilient keys add'; with it the node "
                            + "signs every message and backup and refuses unsigned ones"),
            SettingSpec.optional(KEY_STORE_PASSWORD_FILE, Type.PATH, null, "file (mode 0600) holding the key store's password"),
            SettingSpec.optional(TRUST_STORE, Type.PATH, null,
                    "PKCS12 trust store with the cluster CA certificate, made by 'resilient keys init'"),
            SettingSpec.optional(TRUST_STORE_PASSWORD_FILE, Type.PATH, null, "file (mode 0600) holding the trust store's password"),
            SettingSpec.optional(alias(KEY_STORE), Type.PATH, null, "deprecated alias of " + KEY_STORE),
            SettingSpec.optional(alias(KEY_STORE_PASSWORD_FILE), Type.PATH, null, "deprecated alias of " + KEY_STORE_PASSWORD_FILE),
            SettingSpec.optional(alias(TRUST_STORE), Type.PATH, null, "deprecated alias of " + TRUST_STORE),
            SettingSpec.optional(alias(TRUST_STORE_PASSWORD_FILE), Type.PATH, null, "deprecated alias of " + TRUST_STORE_PASSWORD_FILE));

    /**
     * The deprecated name of a key setting.
     *
     * @param key e.g. {@code node.key-store}
     * @return e.g. {@code https.key-store}
     */
    public static String alias(String key) {
        return "https." + key.substring("node.".length());
    }

    /**
     * Reads the key settings of a node.
     *
     * @param s the node's settings
     * @return the files, or empty if none of the settings is set (the node runs without keys)
     * @throws ResilienceException {@code CONFIG_INVALID} if some are set and others missing, naming the missing ones
     */
    public static Optional<KeyFiles> of(Settings s) {
        Path[] p = new Path[KEYS.size()];
        int set = 0;
        StringBuilder missing = new StringBuilder();
        for (int i = 0; i < p.length; i++) {
            String key = KEYS.get(i);
            p[i] = s.path(key, s.path(alias(key), null));
            if (p[i] != null) {
                set++;
            } else {
                missing.append(missing.length() == 0 ? "" : ", ").append(key);
            }
        }
        if (set == 0) {
            return Optional.empty();
        }
        if (set < p.length) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "the node's key settings are incomplete: missing "
                    + missing + "; set the four lines 'resilient keys add' printed for this node (or none to run without keys)");
        }
        return Optional.of(new KeyFiles(p[0], p[1], p[2], p[3]));
    }

    /**
     * The settings lines naming these files, as {@code resilient keys add} prints them.
     *
     * @return {@code key=value} lines
     */
    public String settingsLines() {
        return KEY_STORE + "=" + keyStore + "\n" + KEY_STORE_PASSWORD_FILE + "=" + keyStorePasswordFile + "\n"
                + TRUST_STORE + "=" + trustStore + "\n" + TRUST_STORE_PASSWORD_FILE + "=" + trustStorePasswordFile + "\n";
    }
}
