package org.resilient.mysql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits mydumper 0.10's view, trigger and routine/event files into statements. Those files wrap each
 * {@code CREATE} in {@code SET character_set_client ...} lines and end it with {@code ;} followed by the line
 * restoring the character set; a routine body may itself hold {@code ;} and line breaks, which is why
 * we split by that structure instead of on {@code ";\n"}.
 */
final class ObjectScript {
    private static final String RESTORE = "SET character_set_client = @PREV_CHARACTER_SET_CLIENT";

    private ObjectScript() {
    }

    /**
     * Reads the statements of a file.
     *
     * @param file the file
     * @return the statements, without their final {@code ;}; {@code SET NAMES binary} is left out (the
     *     driver keeps utf8mb4)
     */
    static List<String> statements(Path file) throws IOException {
        return split(Files.readString(file, StandardCharsets.UTF_8));
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder create = null;
        for (String line : lines) {
            if (create != null) {
                if (line.startsWith(RESTORE)) {
                    out.add(unmangle(trimSemicolon(create.toString())));
                    create = null;
                } else {
                    create.append('\n').append(line);
                    continue;
                }
            }
            String t = line.trim();
            if (t.isEmpty() || t.contains("SET NAMES binary")) {
                continue;
            }
            if (t.regionMatches(true, 0, "CREATE", 0, 6)) {
                create = new StringBuilder(line);
                continue;
            }
            out.add(trimSemicolon(t));
        }
        if (create != null) {
            out.add(unmangle(trimSemicolon(create.toString())));
        }
        return out;
    }

    /**
     * mydumper 0.10 writes every {@code ";\n"} inside a routine or trigger body as {@code "; \n"} (so that
     * myloader's splitting does not cut it); undo that so the standby's definitions equal the source's. A
     * body that really had a blank before a line break loses it, which changes no behaviour.
     */
    static String unmangle(String statement) {
        return statement.replace("; \n", ";\n");
    }

    private static String trimSemicolon(String s) {
        String t = s.strip();
        return t.endsWith(";") ? t.substring(0, t.length() - 1) : t;
    }
}
