package org.resilient.api;

import java.util.Objects;

/**
 * The declaration of one setting a provider reads: its full key ({@code files.source}), type, whether it is
 * required, its default and a one-line description. Providers list their settings so that the
 * configuration can be checked as a whole before anything runs: missing required keys, unknown (mistyped)
 * keys and malformed values are all reported at once.
 *
 * @param key the full key, {@code <prefix>.<name>}, lowercase with dots and dashes
 * @param type how the value is parsed
 * @param required whether the key must be set
 * @param defaultValue the value used when it is not set, or null
 * @param description one line for {@code --help} and error messages
 * @param secret whether the value must never be printed (passwords)
 */
public record SettingSpec(String key, Type type, boolean required, String defaultValue, String description,
                          boolean secret) {

    /** How a value is parsed; see the typed accessors of {@link Settings}. */
    public enum Type {
        /** Any text. */
        STRING,
        /** A 32-bit integer. */
        INT,
        /** A 64-bit integer. */
        LONG,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A duration like {@code 90s}, {@code 15m}, {@code 1h}, {@code 14d} or ISO-8601 {@code PT1H}. */
        DURATION,
        /** A file system path. */
        PATH,
        /** A URI such as {@code file:/srv/node1}. */
        URI,
        /** A comma-separated list. */
        LIST
    }

    /**
     * Checks the declaration.
     *
     * @throws IllegalArgumentException if the key is not of the form {@code prefix.name}
     */
    public SettingSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        if (!key.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+")) {
            throw new IllegalArgumentException("setting key must look like 'prefix.name': " + key);
        }
    }

    /**
     * Declares an optional setting with a default.
     *
     * @param key full key
     * @param type value type
     * @param defaultValue default, may be null
     * @param description one line
     * @return the declaration
     */
    public static SettingSpec optional(String key, Type type, String defaultValue, String description) {
        return new SettingSpec(key, type, false, defaultValue, description, false);
    }

    /**
     * Declares a required setting.
     *
     * @param key full key
     * @param type value type
     * @param description one line
     * @return the declaration
     */
    public static SettingSpec required(String key, Type type, String description) {
        return new SettingSpec(key, type, true, null, description, false);
    }

    /**
     * The same declaration, marked secret.
     *
     * @return a copy with {@code secret} set
     */
    public SettingSpec asSecret() {
        return new SettingSpec(key, type, required, defaultValue, description, true);
    }

    /**
     * The prefix of the key: {@code files} for {@code files.source}.
     *
     * @return the text before the first dot
     */
    public String prefix() {
        return key.substring(0, key.indexOf('.'));
    }

    /**
     * The environment variable that overrides this key: {@code RESILIENT_FILES_SOURCE}.
     *
     * @return the variable name
     */
    public String environmentVariable() {
        return Settings.environmentVariable(key);
    }
}
