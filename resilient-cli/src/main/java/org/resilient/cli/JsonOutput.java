package org.resilient.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;

/**
 * Prints the {@code --json} output of a command: exactly one JSON document (an object or an array), indented,
 * followed by a newline, so that {@code jq} or any JSON parser reads the whole output at once, as with
 * {@code restic snapshots --json} and {@code borg list --json}. Written by Jackson (jackson-databind), so escaping
 * and number formats are those of a maintained JSON library; the values are records, lists, maps, strings,
 * numbers, booleans and null (callers turn times and ids into strings, so no Jackson module is needed).
 */
public final class JsonOutput {
    // Loaded with this class, on the first --json output only: the other commands never load Jackson.
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writerWithDefaultPrettyPrinter();

    private JsonOutput() {
    }

    /**
     * Prints a value as one JSON document and a newline.
     *
     * @param out where to print
     * @param value a record, list, map, string, number, boolean or null
     */
    public static void print(PrintWriter out, Object value) {
        out.println(write(value));
    }

    /**
     * A value as one JSON document.
     *
     * @param value a record, list, map, string, number, boolean or null
     * @return the JSON text
     */
    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Only a type Jackson cannot serialize gets here: a bug of the command, not of the user's input.
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
