package org.resilient.cli;

import java.util.Collection;
import java.util.Map;

/** Writes JSON for {@code --json} output: maps, lists, strings, numbers, booleans and null. */
public final class Json {
    private Json() {
    }

    /**
     * Serializes a value.
     *
     * @param v a map, collection, string, number, boolean or null
     * @return the JSON text
     */
    public static String write(Object v) {
        StringBuilder s = new StringBuilder();
        append(s, v);
        return s.toString();
    }

    private static void append(StringBuilder s, Object v) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            s.append(v);
        } else if (v instanceof Map<?, ?> m) {
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    s.append(',');
                }
                first = false;
                string(s, String.valueOf(e.getKey()));
                s.append(':');
                append(s, e.getValue());
            }
            s.append('}');
        } else if (v instanceof Collection<?> c) {
            s.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    s.append(',');
                }
                first = false;
                append(s, o);
            }
            s.append(']');
        } else {
            string(s, v.toString());
        }
    }

    private static void string(StringBuilder s, String v) {
        s.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
