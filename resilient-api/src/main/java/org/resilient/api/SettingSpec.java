package org.resilient.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The declaration of one setting, as the configuration check and {@code resilient components --settings} see
 * it: its full key ({@code files.source}), type, when it is required, its default (as a user would write it),
 * a one-line description, the values it allows and whether it is a secret. Providers list their settings so
 * that a configuration is checked as a whole before anything runs: missing required keys, unknown (mistyped)
 * keys and malformed or out-of-range values are all reported at once.
 *
 * <p>Declare settings with {@link Setting} (typed, and the way to read them); its {@link Setting#spec()} is this
 * view. The untyped factories {@link #optional} and {@link #required} remain for declarations that only parse.
 */
public final class SettingSpec {

    /** How a value is parsed. */
    public enum Type {
        /** Any text. */
        STRING,
        /** A 32-bit integer. */
        INT,
        /** A 64-bit integer. */
        LONG,
        /** {@code true} or {@code false} (also {@code yes}/{@code no}, {@code on}/{@code off}). */
        BOOLEAN,
        /** A duration like {@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 14d} or ISO-8601 {@code PT1H}. */
        DURATION,
        /** A file system path. */
        PATH,
        /** A URI such as {@code file:/srv/node1}; a plain path means the {@code file:} URI of that path. */
        URI,
        /** A comma-separated list. */
        LIST
    }

    /** When a setting must be set. */
    public enum Need {
        /** Never: it has a default or is not needed. */
        OPTIONAL,
        /** On every node that reads it. */
        ALWAYS,
        /** On a node that exports the component (the leader). */
        TO_EXPORT,
        /** On a node that imports the component (a standby). */
        TO_IMPORT
    }

    /** Checks one value in the context of all settings (for rules relating two keys). */
    @FunctionalInterface
    public interface Check {
        /**
         * What is wrong with a value.
         *
         * @param value the raw value, not blank
         * @param all every setting of the node
         * @return the expected form ({@code "expected 1-65535"}), or null if the value is fine
         */
        String problem(String value, Settings all);
    }

    private final String key;
    private final Type type;
    private final Need need;
    private final String defaultValue;
    private final String description;
    private final boolean secret;
    private final String allowed;
    private final Check check;

    /**
     * A declaration.
     *
     * @param key the full key, {@code <prefix>.<name>}, lowercase with dots and dashes
     * @param type how the value is parsed
     * @param need when it must be set
     * @param defaultValue the value used when it is not set, as a user would write it, or null
     * @param description one line for help and error messages
     * @param secret whether the value must never be printed (passwords)
     * @param allowed the allowed values in words ({@code 1-65535}), or null when the type says it all
     * @param check what is wrong with a set value (type included), or null to check the type only
     * @throws IllegalArgumentException if the key is not of the form {@code prefix.name}
     */
    public SettingSpec(String key, Type type, Need need, String defaultValue, String description, boolean secret,
                       String allowed, Check check) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = Objects.requireNonNull(type, "type");
        this.need = Objects.requireNonNull(need, "need");
        this.description = Objects.requireNonNull(description, "description");
        if (!key.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+")) {
            throw new IllegalArgumentException("setting key must look like 'prefix.name': " + key);
        }
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.allowed = allowed;
        this.check = check != null ? check : (v, all) -> SettingValues.typeProblem(type, v);
    }

    /**
     * Declares an optional setting checked for its type only.
     *
     * @param key full key
     * @param type value type
     * @param defaultValue default, may be null
     * @param description one line
     * @return the declaration
     */
    public static SettingSpec optional(String key, Type type, String defaultValue, String description) {
        return new SettingSpec(key, type, Need.OPTIONAL, defaultValue, description, false, null, null);
    }

    /**
     * Declares a setting every node that reads it must set, checked for its type only.
     *
     * @param key full key
     * @param type value type
     * @param description one line
     * @return the declaration
     */
    public static SettingSpec required(String key, Type type, String description) {
        return new SettingSpec(key, type, Need.ALWAYS, null, description, false, null, null);
    }

    /**
     * The same declaration, marked secret.
     *
     * @return a copy with {@code secret} set
     */
    public SettingSpec asSecret() {
        return new SettingSpec(key, type, need, defaultValue, description, true, allowed, check);
    }

    /** @return the full key, e.g. {@code files.source} */
    public String key() {
        return key;
    }

    /** @return how the value is parsed */
    public Type type() {
        return type;
    }

    /** @return when the setting must be set */
    public Need need() {
        return need;
    }

    /** @return whether every node that reads it must set it */
    public boolean required() {
        return need == Need.ALWAYS;
    }

    /** @return the default as a user would write it, or null */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return one line saying what the setting does */
    public String description() {
        return description;
    }

    /** @return whether the value must never be printed */
    public boolean secret() {
        return secret;
    }

    /** @return the allowed values in words, or null when the type says it all */
    public String allowed() {
        return allowed;
    }

    /**
     * What is wrong with a value of this setting.
     *
     * @param value the raw value, not blank
     * @param all every setting of the node, for rules relating two keys
     * @return the problem ({@code key 'postgres.port' = '0': expected 1-65535}; the value left out for a
     *     secret), or null if the value is fine
     */
    public String problem(String value, Settings all) {
        String expected = check.problem(value, all);
        if (expected == null) {
            return null;
        }
        // A location's user information may hold a password even in a setting not marked secret.
        return "key '" + key + "'" + (secret ? "" : " = '" + ResilienceException.redactLocations(value) + "'") + ": "
                + ResilienceException.redactLocations(expected);
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

    /**
     * The problems of some settings against their declarations: every bad value, and every required key
     * that is missing.
     *
     * @param settings the node's settings
     * @param specs the declarations to check
     * @param needs which requirements apply ({@link Need#ALWAYS}; {@link Need#TO_EXPORT} on a node that exports)
     * @return one line per problem, in the order of the declarations; empty when all is well
     */
    public static List<String> problems(Settings settings, Collection<SettingSpec> specs, Set<Need> needs) {
        List<String> problems = new ArrayList<>();
        for (SettingSpec s : specs) {
            Optional<String> v = settings.get(s.key()).filter(x -> !x.isBlank());
            if (v.isPresent()) {
                String bad = s.problem(v.get(), settings);
                if (bad != null) {
                    problems.add(bad);
                }
            } else if (needs.contains(s.need())) {
                problems.add("missing required key '" + s.key() + "' (" + s.description()
                        + (s.need() == Need.TO_EXPORT ? "; needed to export" : s.need() == Need.TO_IMPORT ? "; needed to import" : "")
                        + "; or set " + s.environmentVariable() + ")");
            }
        }
        return problems;
    }

    /**
     * Checks the settings of one provider, for a provider used on its own (the {@code archive} command):
     * every bad value, and every key with one of the declarations' prefixes that none declares. A node checks
     * its whole configuration before any provider reads it; this is the same check, narrowed to one provider.
     *
     * @param settings the settings
     * @param specs the provider's declarations
     * @param what what the settings configure, for the message ({@code archive settings})
     * @throws ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    public static void validate(Settings settings, Collection<SettingSpec> specs, String what) {
        List<String> problems = problems(settings, specs, Set.of(Need.ALWAYS));
        Set<String> keys = new TreeSet<>();
        Set<String> prefixes = new TreeSet<>();
        specs.forEach(s -> {
            keys.add(s.key());
            prefixes.add(s.prefix());
        });
        for (String key : settings.keys()) {
            if (!keys.contains(key) && key.contains(".") && prefixes.contains(key.substring(0, key.indexOf('.')))) {
                problems.add("unknown key '" + key + "' (known: " + String.join(", ", keys) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "invalid " + what + ":\n  "
                    + String.join("\n  ", problems));
        }
    }

    @Override
    public String toString() {
        return "SettingSpec[" + key + " " + type + (need != Need.OPTIONAL ? " " + need : "")
                + (defaultValue != null ? " default " + defaultValue : "") + (secret ? " secret" : "") + "]";
    }
}
