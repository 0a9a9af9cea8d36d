package org.resilient.api;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.resilient.api.SettingSpec.Need;
import org.resilient.api.SettingSpec.Type;

/**
 * A typed setting declared once, in the class that reads it: key, type, default, description, the values it
 * allows and whether it is secret, and the only way to read it. The default is written here and nowhere else;
 * the configuration check ({@link #spec()}) and the reader ({@link #get}) apply the same rules.
 *
 * <pre>{@code
 * static final Setting<Integer> PORT = Setting.integer("postgres.port", 5432, "server TCP port").range(1, 65535);
 * int port = PORT.get(settings);   // 5432 when unset; CONFIG_INVALID naming the key when out of range
 * }</pre>
 *
 * <p>Instances are immutable: {@link #range}, {@link #check}, {@link #required()} and the like return a new
 * declaration. A default that breaks the declaration's own rules is a programming error
 * ({@link IllegalArgumentException} when the declaration is built).
 *
 * @param <T> the value type
 */
public final class Setting<T> {
    private final String key;
    private final Type type;
    private final Need need;
    private final String defaultText;
    private final String description;
    private final boolean secret;
    private final Function<String, T> parser;
    private final String expectedType;
    private final List<Rule<T>> rules;
    private final T emptyValue;

    /** One rule: the problem of a value (in the context of all settings) or null; {@code allowed} for help. */
    private record Rule<T>(BiFunction<T, Settings, String> problem, String allowed) {
    }

    private Setting(String key, Type type, Need need, String defaultText, String description, boolean secret,
                    Function<String, T> parser, String expectedType, List<Rule<T>> rules, T emptyValue) {
        this.key = key;
        this.type = type;
        this.need = need;
        this.defaultText = defaultText;
        this.description = description;
        this.secret = secret;
        this.parser = parser;
        this.expectedType = expectedType;
        this.rules = List.copyOf(rules);
        this.emptyValue = emptyValue;
        spec(); // checks the key's form
        if (defaultText != null) {
            String p = problemOf(defaultText, null);
            if (p != null) {
                throw new IllegalArgumentException("the default '" + defaultText + "' of setting " + key + " is invalid: " + p);
            }
        }
    }

    /**
     * A setting of a type with its own parser (an enum, a role).
     *
     * @param key full key, {@code prefix.name}
     * @param type the type shown in help (usually {@link Type#STRING})
     * @param defaultValue the default as a user writes it, or null
     * @param description one line
     * @param parser turns the trimmed text into a value; throws a runtime exception if it cannot
     * @param expected what a valid value looks like, for messages ({@code export, pull-backup or import})
     * @param <T> the value type
     * @return the declaration
     */
    public static <T> Setting<T> of(String key, Type type, String defaultValue, String description,
                                    Function<String, T> parser, String expected) {
        Setting<T> s = new Setting<>(key, type, Need.OPTIONAL, null, description, false, parser, expected, List.of(), null);
        return defaultValue == null ? s : s.withDefault(defaultValue);
    }

    @SuppressWarnings("unchecked")
    private static <T> Setting<T> typed(String key, Type type, Object defaultValue, String description) {
        Setting<T> s = new Setting<>(key, type, Need.OPTIONAL, null, description, false,
                v -> (T) SettingValues.parse(type, v), SettingValues.expected(type), List.of(), null);
        return defaultValue == null ? s : s.withDefault(String.valueOf(defaultValue));
    }

    /**
     * A text setting.
     *
     * @param key full key
     * @param defaultValue default, or null
     * @param description one line
     * @return the declaration
     */
    public static Setting<String> string(String key, String defaultValue, String description) {
        return typed(key, Type.STRING, defaultValue, description);
    }

    /**
     * A 32-bit integer setting.
     *
     * @param key full key
     * @param defaultValue default, or null
     * @param description one line
     * @return the declaration
     */
    public static Setting<Integer> integer(String key, Integer defaultValue, String description) {
        return typed(key, Type.INT, defaultValue, description);
    }

    /**
     * A 64-bit integer setting.
     *
     * @param key full key
     * @param defaultValue default, or null
     * @param description one line
     * @return the declaration
     */
    public static Setting<Long> longValue(String key, Long defaultValue, String description) {
        return typed(key, Type.LONG, defaultValue, description);
    }

    /**
     * A boolean setting ({@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off}).
     *
     * @param key full key
     * @param defaultValue default, or null
     * @param description one line
     * @return the declaration
     */
    public static Setting<Boolean> bool(String key, Boolean defaultValue, String description) {
        return typed(key, Type.BOOLEAN, defaultValue, description);
    }

    /**
     * A duration setting: {@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 14d}, {@code 2w} or {@code PT1H}.
     *
     * @param key full key
     * @param defaultValue default as written ({@code 60m}), or null
     * @param description one line
     * @return the declaration
     */
    public static Setting<Duration> duration(String key, String defaultValue, String description) {
        return typed(key, Type.DURATION, defaultValue, description);
    }

    /**
     * A path setting.
     *
     * @param key full key
     * @param defaultValue default, or null
     * @param description one line
     * @return the declaration
     */
    public static Setting<Path> path(String key, String defaultValue, String description) {
        return typed(key, Type.PATH, defaultValue, description);
    }

    /**
     * A URI setting; a plain path means the {@code file:} URI of that path.
     *
     * @param key full key
     * @param defaultValue default, or null
     * @param description one line
     * @return the declaration
     */
    public static Setting<URI> uri(String key, String defaultValue, String description) {
        return typed(key, Type.URI, defaultValue, description);
    }

    /**
     * A comma-separated list of text; blanks around items dropped, empty items ignored; empty when unset.
     *
     * @param key full key
     * @param description one line
     * @return the declaration
     */
    public static Setting<List<String>> list(String key, String description) {
        return Setting.<List<String>>typed(key, Type.LIST, null, description).orElse(List.of());
    }

    /**
     * A comma-separated list of URIs (each as {@link #uri} reads it); empty when unset.
     *
     * @param key full key
     * @param description one line
     * @return the declaration
     */
    public static Setting<List<URI>> uris(String key, String description) {
        return new Setting<List<URI>>(key, Type.LIST, Need.OPTIONAL, null, description, false,
                v -> SettingValues.list(v).stream().map(SettingValues::uri).toList(), "a comma-separated list of URIs",
                List.of(), null).orElse(List.of());
    }

    // The value of an unset list is the empty list; no default text, so help shows none.
    private Setting<T> orElse(T empty) {
        return new Setting<>(key, type, need, null, description, secret, parser, expectedType, rules, empty);
    }

    private Setting<T> withDefault(String text) {
        return copy(need, text, secret, rules);
    }

    private Setting<T> copy(Need n, String d, boolean sec, List<Rule<T>> r) {
        return new Setting<>(key, type, n, d, description, sec, parser, expectedType, r, emptyValue);
    }

    private Setting<T> with(Rule<T> rule) {
        List<Rule<T>> r = new ArrayList<>(rules);
        r.add(rule);
        return copy(need, defaultText, secret, r);
    }

    /** @return the same setting, required on every node that reads it */
    public Setting<T> required() {
        return copy(Need.ALWAYS, defaultText, secret, rules);
    }

    /** @return the same setting, required on a node that exports the component */
    public Setting<T> requiredToExport() {
        return copy(Need.TO_EXPORT, defaultText, secret, rules);
    }

    /** @return the same setting, required on a node that imports the component */
    public Setting<T> requiredToImport() {
        return copy(Need.TO_IMPORT, defaultText, secret, rules);
    }

    /** @return the same setting, secret: its value never appears in messages or help */
    public Setting<T> secret() {
        return copy(need, defaultText, true, rules);
    }

    /**
     * Adds a rule on the value.
     *
     * @param ok whether a value is allowed
     * @param expected what an allowed value is, for messages and help ({@code 1-64})
     * @return the declaration
     */
    public Setting<T> check(Predicate<? super T> ok, String expected) {
        Objects.requireNonNull(ok, "ok");
        return with(new Rule<>((v, all) -> ok.test(v) ? null : "expected " + expected, expected));
    }

    /**
     * Adds a rule relating this setting to others ({@code archive.chunk-avg} between min and max). Reading
     * another setting inside the rule is fine: when that one is invalid, the rule is skipped and that setting's
     * own problem is reported.
     *
     * @param ok whether a value is allowed, given all settings
     * @param expected what an allowed value is, for messages and help
     * @return the declaration
     */
    public Setting<T> checkWith(BiPredicate<? super T, Settings> ok, String expected) {
        Objects.requireNonNull(ok, "ok");
        return with(new Rule<>((v, all) -> all == null || ok.test(v, all) ? null : "expected " + expected, expected));
    }

    /**
     * Adds a rule that explains itself: it returns what is wrong with a value (naming the bad item of a list).
     *
     * @param problem the problem of a value, or null if it is fine
     * @param allowed what an allowed value is, for help
     * @return the declaration
     */
    public Setting<T> validate(Function<? super T, String> problem, String allowed) {
        Objects.requireNonNull(problem, "problem");
        return with(new Rule<>((v, all) -> problem.apply(v), allowed));
    }

    /**
     * Allows integers from {@code min} to {@code max} only ({@code Long.MAX_VALUE}: no upper bound).
     *
     * @param min smallest allowed
     * @param max largest allowed
     * @return the declaration
     * @throws IllegalStateException if the setting is not an integer
     */
    public Setting<T> range(long min, long max) {
        numeric();
        return check(v -> ((Number) v).longValue() >= min && ((Number) v).longValue() <= max,
                max == Long.MAX_VALUE ? min + " or more" : min + "-" + max);
    }

    /**
     * Allows values greater than zero only (integers or durations).
     *
     * @return the declaration
     * @throws IllegalStateException if the setting is neither an integer nor a duration
     */
    public Setting<T> positive() {
        if (type == Type.DURATION) {
            return check(v -> !((Duration) v).isNegative() && !((Duration) v).isZero(), "a duration greater than 0");
        }
        return range(1, Long.MAX_VALUE);
    }

    /**
     * Allows the given texts only.
     *
     * @param values the allowed values
     * @return the declaration
     */
    public Setting<T> oneOf(String... values) {
        List<String> allowed = List.of(values);
        return check(v -> allowed.contains(String.valueOf(v)), "one of " + String.join(", ", allowed));
    }

    private void numeric() {
        if (type != Type.INT && type != Type.LONG) {
            throw new IllegalStateException("setting " + key + " is not an integer");
        }
    }

    /** @return the full key */
    public String key() {
        return key;
    }

    /** @return the declaration as the configuration check and help see it */
    public SettingSpec spec() {
        String allowed = rules.isEmpty() ? null : rules.stream().map(Rule::allowed).collect(Collectors.joining("; "));
        return new SettingSpec(key, type, need, defaultText, description, secret, allowed, this::problemOf);
    }

    /**
     * The value if set, else the default, else null (empty for lists).
     *
     * @param settings the node's settings
     * @return the value
     * @throws ResilienceException {@code CONFIG_INVALID} naming the key and what it expects, if the value is bad
     */
    public T get(Settings settings) {
        return find(settings).orElseGet(() -> defaultText != null ? parser.apply(defaultText.trim()) : emptyValue);
    }

    /**
     * The value, which must be set.
     *
     * @param settings the node's settings
     * @return the value
     * @throws ResilienceException {@code CONFIG_INVALID} if it is missing or bad
     */
    public T require(Settings settings) {
        return find(settings).orElseThrow(() -> new ResilienceException(ErrorCode.CONFIG_INVALID, "missing setting '"
                + key + "' (" + description + "): set it in the node's settings or as " + Settings.environmentVariable(key)));
    }

    /**
     * The value, if set (a blank value counts as unset).
     *
     * @param settings the node's settings
     * @return the value, checked against the declaration's rules
     * @throws ResilienceException {@code CONFIG_INVALID} naming the key and what it expects, if the value is bad
     */
    public Optional<T> find(Settings settings) {
        Optional<String> raw = settings.get(key).filter(v -> !v.isBlank());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String expected = problemOf(raw.get(), settings);
        if (expected != null) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, spec().problem(raw.get(), settings)
                    + "; fix it in the node's settings or " + Settings.environmentVariable(key));
        }
        return Optional.of(parser.apply(raw.get().trim()));
    }

    // The one check of a value: its type, then every rule. Rules that read other settings see null while the
    // default is checked at declaration and are skipped; a rule that fails on another bad key is skipped too.
    private String problemOf(String value, Settings all) {
        T v;
        try {
            v = parser.apply(value.trim());
        } catch (RuntimeException e) {
            return "expected " + expectedType;
        }
        for (Rule<T> r : rules) {
            try {
                String p = r.problem().apply(v, all);
                if (p != null) {
                    return p;
                }
            } catch (ResilienceException e) {
                // another setting the rule reads is invalid; its own problem is reported
            }
        }
        return null;
    }
}
