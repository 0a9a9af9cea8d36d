package org.resilient.support.keys;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
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
    /** The key store setting. */
    public static final Setting<Path> KEY_STORE_SETTING = Setting.path(KEY_STORE, null,
            "this node's PKCS12 key store (key and certificate), made by 'resilient keys add'; with it the node "
                    + "signs every message and backup and refuses unsigned ones");
    /** The key store password file setting. */
    public static final Setting<Path> KEY_STORE_PASSWORD_FILE_SETTING = Setting.path(KEY_STORE_PASSWORD_FILE, null,
            "file (mode 0600) holding the key store's password");
    /** The trust store setting. */
    public static final Setting<Path> TRUST_STORE_SETTING = Setting.path(TRUST_STORE, null,
            "PKCS12 trust store with the cluster CA certificate, made by 'resilient keys init'");
    /** The trust store password file setting. */
    public static final Setting<Path> TRUST_STORE_PASSWORD_FILE_SETTING = Setting.path(TRUST_STORE_PASSWORD_FILE, null,
            "file (mode 0600) holding the trust store's password");
    private static final List<Setting<Path>> KEYS = List.of(KEY_STORE_SETTING, KEY_STORE_PASSWORD_FILE_SETTING,
            TRUST_STORE_SETTING, TRUST_STORE_PASSWORD_FILE_SETTING);
    // The https.* names of the first https release, declared so the configuration check knows them.
    private static final List<Setting<Path>> ALIASES = KEYS.stream()
            .map(k -> Setting.path(alias(k.key()), null, "deprecated alias of " + k.key())).toList();

    /** The settings, with their deprecated {@code https.*} aliases. */
    public static final List<SettingSpec> SPECS = Stream.concat(KEYS.stream(), ALIASES.stream())
            .map(Setting::spec).toList();

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
            Setting<Path> alias = ALIASES.get(i);
            String key = KEYS.get(i).key();
            p[i] = KEYS.get(i).find(s).orElseGet(() -> alias.get(s));
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
