package org.resilient.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configuration of a node: namespaced keys ({@code files.source}, {@code postgres.host}) with typed
 * accessors. Providers receive it whole and read their own prefix. Values come from the node's properties
 * file, overridden by environment variables ({@code RESILIENT_FILES_SOURCE} for {@code files.source}).
 *
 * <p>Typed accessors throw {@link ResilienceException} with {@link ErrorCode#CONFIG_INVALID} naming the key,
 * the bad value (unless the key is a secret) and the expected form.
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
     * A required text value.
     *
     * @param key full key
     * @return the value
     * @throws ResilienceException if it is not set
     */
    default String required(String key) {
        return get(key).filter(v -> !v.isBlank()).orElseThrow(() -> new ResilienceException(ErrorCode.CONFIG_INVALID,
                "missing setting '" + key + "': set it in the node's config file or as " + environmentVariable(key)));
    }

    /**
     * A text value.
     *
     * @param key full key
     * @param defaultValue used when unset
     * @return the value
     */
    default String string(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /**
     * An integer value.
     *
     * @param key full key
     * @param defaultValue used when unset
     * @return the value
     */
    default int integer(String key, int defaultValue) {
        return get(key).map(v -> parse(key, v, "an integer", () -> Integer.parseInt(v.trim()))).orElse(defaultValue);
    }

    /**
     * A long integer value.
     *
     * @param key full key
     * @param defaultValue used when unset
     * @return the value
     */
    default long longValue(String key, long defaultValue) {
        return get(key).map(v -> parse(key, v, "an integer", () -> Long.parseLong(v.trim()))).orElse(defaultValue);
    }

    /**
     * A boolean value: {@code true}/{@code false} (also {@code yes}/{@code no}, {@code on}/{@code off}).
     *
     * @param key full key
     * @param defaultValue used when unset
     * @return the value
     */
    default boolean bool(String key, boolean defaultValue) {
        return get(key).map(v -> parse(key, v, "true or false", () -> {
            switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": return true;
                case "false": case "no": case "off": return false;
                default: throw new IllegalArgumentException();
            }
        })).orElse(defaultValue);
    }

    /**
     * A duration: {@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 14d}, or ISO-8601 {@code PT1H}.
     *
     * @param key full key
     * @param defaultValue used when unset
     * @return the value
     */
    default Duration duration(String key, Duration defaultValue) {
        return get(key).map(v -> parse(key, v, "a duration like 90s, 15m, 1h, 14d or PT1H",
                () -> parseDuration(v))).orElse(defaultValue);
    }

    /**
     * A path value.
     *
     * @param key full key
     * @param defaultValue used when unset, may be null
     * @return the value, or the default
     */
    default Path path(String key, Path defaultValue) {
        return get(key).map(v -> parse(key, v, "a path", () -> Path.of(v.trim()))).orElse(defaultValue);
    }

    /**
     * A URI value such as {@code file:/srv/node1}.
     *
     * @param key full key
     * @param defaultValue used when unset, may be null
     * @return the value, or the default
     */
    default URI uri(String key, URI defaultValue) {
        return get(key).map(v -> parseUri(key, v)).orElse(defaultValue);
    }

    /**
     * A comma-separated list; blanks around items are dropped, empty items ignored.
     *
     * @param key full key
     * @return the items, empty when unset
     */
    default List<String> list(String key) {
        return get(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /**
     * Parses a duration in the forms {@link #duration(String, Duration)} accepts.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException if it is not a duration
     */
    static Duration parseDuration(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(text, e);
        }
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)").matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            default: return Duration.ofDays(7 * n);
        }
    }

    private static URI parseUri(String key, String v) {
        try {
            URI uri = new URI(v.trim());
            if (uri.getScheme() == null) {
                uri = Path.of(v.trim()).toAbsolutePath().toUri();
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                    "setting '" + key + "' is not a URI: " + e.getMessage() + "; use e.g. file:/srv/node1");
        }
    }

    private static <T> T parse(String key, String value, String expected, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (RuntimeException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID,
                    "setting '" + key + "' has value '" + value + "', expected " + expected);
        }
    }
}
