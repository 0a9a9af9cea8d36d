package org.resilient.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resilient.api.SettingSpec.Type;

/** The one parser of every setting type, shared by {@link Setting}, {@link SettingSpec} and {@link Settings}. */
final class SettingValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

    private SettingValues() {
    }

    /** The expected form of a type, for messages: {@code an integer}. */
    static String expected(Type type) {
        return switch (type) {
            case STRING -> "text";
            case INT -> "an integer";
            case LONG -> "an integer";
            case BOOLEAN -> "true or false";
            case DURATION -> "a duration like 90s, 15m, 1h, 14d or PT1H";
            case PATH -> "a path";
            case URI -> "a URI such as file:/srv/node1";
            case LIST -> "a comma-separated list";
        };
    }

    /** Parses a value of a type; throws IllegalArgumentException (or another runtime exception) if it is not one. */
    static Object parse(Type type, String value) {
        String v = value.trim();
        return switch (type) {
            case STRING -> v;
            case INT -> Integer.parseInt(v);
            case LONG -> Long.parseLong(v);
            case BOOLEAN -> bool(v);
            case DURATION -> duration(v);
            case PATH -> Path.of(v);
            case URI -> uri(v);
            case LIST -> list(v);
        };
    }

    /** {@code "expected <form>"} if a value is not of a type, else null. */
    static String typeProblem(Type type, String value) {
        try {
            parse(type, value);
            return null;
        } catch (RuntimeException e) {
            return "expected " + expected(type);
        }
    }

    static boolean bool(String v) {
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": return true;
            case "false": case "no": case "off": return false;
            default: throw new IllegalArgumentException(v);
        }
    }

    static Duration duration(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            try {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(text, e);
            }
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** A URI; a value without a scheme is a path, made absolute, and becomes its {@code file:} URI. */
    static URI uri(String text) {
        String v = text.trim();
        try {
            URI uri = new URI(v);
            return uri.getScheme() == null ? Path.of(v).toAbsolutePath().toUri() : uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static List<String> list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
