package org.resilient.archive.repo;

import java.util.Map;

/**
 * Writes key/value pairs in the text format {@link java.util.Properties#load(java.io.Reader)} reads, without
 * {@link java.util.Properties#store}: that one always starts with a date comment, and formatting the date loads the
 * time-zone database, 20-30 ms of every short command's start. The output holds only the pairs, in the order given,
 * so equal metadata gives equal bytes.
 */
public final class PropertiesText {
    private PropertiesText() {
    }

    /**
     * Formats pairs as {@code key=value} lines, escaped as {@code Properties} expects.
     *
     * @param pairs the pairs, in the order to write them
     * @return the text
     */
    public static String format(Map<String, String> pairs) {
        StringBuilder b = new StringBuilder(32 * pairs.size());
        pairs.forEach((k, v) -> {
            escape(b, k, true);
            b.append('=');
            escape(b, v, false);
            b.append('\n');
        });
        return b.toString();
    }

    private static void escape(StringBuilder b, String s, boolean key) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\f' -> b.append("\\f");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c); // the text is written as UTF-8 and read back as UTF-8
                    }
                }
            }
        }
    }
}
