package org.resilient.https;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encodes a relative file path for the path of a request URI, byte by byte of its UTF-8 form, so that
 * any name a MANIFEST allows (spaces, {@code %}, {@code ?}, {@code #}, non-ASCII letters) arrives as it was:
 * the server reads it back with {@link java.net.URI#getPath()}.
 */
final class UrlPath {
    private UrlPath() {
    }

    /**
     * @param path a {@code /}-separated relative path
     * @return the encoded path; {@code /} stays a separator
     */
    static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
