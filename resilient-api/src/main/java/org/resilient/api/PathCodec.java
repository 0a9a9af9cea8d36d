package org.resilient.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encodes the characters that would break a tab-separated line ({@code %}, tab, newline, other
 * control characters and space at the ends are the ones that matter), leaving UTF-8 text readable.
 */
final class PathCodec {
    private PathCodec() {
    }

    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c == '%' || c == 0x7f) {
                out.append('%').append(String.format("%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String decode(String s, int lineNumber) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%') {
                if (i + 2 >= raw.length) {
                    throw bad(lineNumber, "truncated %-escape");
                }
                try {
                    bytes.write(Integer.parseInt(new String(raw, i + 1, 2, StandardCharsets.US_ASCII), 16));
                } catch (NumberFormatException e) {
                    throw bad(lineNumber, "bad %-escape");
                }
                i += 2;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static ResilienceException bad(int lineNumber, String why) {
        return new ResilienceException(ErrorCode.MANIFEST_INVALID,
                "MANIFEST line " + lineNumber + ": " + why + ". The backup is damaged; do not import it.");
    }
}
