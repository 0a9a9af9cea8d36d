package org.resilient.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one exception resilient throws. It is unchecked, carries an {@link ErrorCode}, and its message
 * says what failed, where, and what to do next. Messages never contain secrets: build them with
 * {@link #redact(String, String)} when they may include a known secret (a password a tool may print). Locations
 * are shown without their user information, which may hold a password: every message goes through
 * {@link #redactLocations(String)} here, and so does every line of the command's log (its layout), so no code
 * that prints a location (a transport's connection error, a bad setting, a status) has to remember it.
 */
public class ResilienceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The user information of a hierarchical location ({@code scheme://USER:PASSWORD@host}), up to its '@'. */
    private static final Pattern USER_INFO = Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\\s'\"<>]+@");

    private final ErrorCode code;

    /**
     * Creates an exception.
     *
     * @param code what kind of failure this is
     * @param message what failed, where, and what to do next
     */
    public ResilienceException(ErrorCode code, String message) {
        super(redactLocations(message));
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * Creates an exception caused by another.
     *
     * @param code what kind of failure this is
     * @param message what failed, where, and what to do next
     * @param cause the underlying failure
     */
    public ResilienceException(ErrorCode code, String message, Throwable cause) {
        super(redactLocations(message), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The code of this failure.
     *
     * @return the code, never null
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * The exit status the command uses for this failure.
     *
     * @return {@code code().exitStatus()}
     */
    public int exitStatus() {
        return code.exitStatus();
    }

    /**
     * Replaces every occurrence of a secret in a text by {@code ****}.
     *
     * @param text the text, may be null
     * @param secret the secret, may be null or empty (then the text is returned as is)
     * @return the text without the secret
     */
    public static String redact(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret, "****");
    }

    /**
     * A location as it may be shown in a message or a log: without the user information of its authority, which
     * may hold a password ({@code https://user:PASSWORD@host/} is shown as {@code https://****@host/}).
     *
     * @param uri the location, may be null
     * @return its text without user information ({@code "null"} for null)
     */
    public static String redact(java.net.URI uri) {
        if (uri == null) {
            return "null";
        }
        String text = uri.toString();
        String info = uri.getRawUserInfo();
        return info == null ? redactLocations(text) : redactLocations(text.replace(info + "@", "****@"));
    }

    /**
     * A text as it may be shown in a message or a log: every location in it ({@code scheme://...}) without its user
     * information ({@code https://user:PASSWORD@host/} becomes {@code https://****@host/}). The one place that
     * hides it: this exception's messages and the command's log lines go through it.
     *
     * @param text the text, may be null
     * @return the text without user information in locations (null for null)
     */
    public static String redactLocations(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        return USER_INFO.matcher(text).replaceAll("$1****@");
    }
}
