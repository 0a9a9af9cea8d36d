package org.resilient.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configuration of a node: namespaced keys ({@code files.source}, {@code postgres.host}) and their raw
 * values. Providers receive it whole and read their own keys through their {@link Setting} declarations
 * ({@code PORT.get(settings)}), which hold each key's type, default and rules in one place. Values come from
 * the node's properties file (or the embedding builder), overridden by environment variables
 * ({@code RESILIENT_FILES_SOURCE} for {@code files.source}).
 */
public interface Settings {

    /**
     * The raw value of a key.
     *
     * @param key full key, e.g. {@code files.source}
     * @return the value, if set
     */
    Optional<String> get(String key);

    /**
     * Every key that is set.
     *
     * @return the keys, sorted
     */
    Set<String> keys();

    /**
     * Settings backed by a map (copied).
     *
     * @param values key to value
     * @return immutable settings
     */
    static Settings of(Map<String, String> values) {
        TreeMap<String, String> copy = new TreeMap<>(values);
        return new Settings() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(copy.get(key));
            }

            @Override
            public Set<String> keys() {
                return java.util.Collections.unmodifiableSet(copy.keySet());
            }

            @Override
            public String toString() {
                return "Settings" + copy.keySet();
            }
        };
    }

    /**
     * Settings with no keys.
     *
     * @return empty settings
     */
    static Settings empty() {
        return of(Map.of());
    }

    /**
     * A copy of these settings with one key set.
     *
     * @param key full key
     * @param value its value
     * @return new settings
     */
    default Settings with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>();
        for (String k : keys()) {
            copy.put(k, get(k).orElseThrow());
        }
        copy.put(key, value);
        return of(copy);
    }

    /**
     * The environment variable that overrides a key: upper case, dots and dashes as underscores,
     * prefixed with {@code RESILIENT_}.
     *
     * @param key full key
     * @return e.g. {@code RESILIENT_FILES_SOURCE}
     */
    static String environmentVariable(String key) {
        return "RESILIENT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Parses a duration: {@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 14d}, {@code 2w} or ISO-8601
     * {@code PT1H}.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException if it is not a duration
     */
    static Duration parseDuration(String text) {
        return SettingValues.duration(text);
    }
}
