package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Parses a command's {@code --json} output with Jackson, failing the test unless it is exactly one document. */
final class JsonDocument {
    // Trailing tokens fail the parse: two documents (e.g. one object per line) are not one document.
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private JsonDocument() {
    }

    static JsonNode parse(String output) {
        try {
            JsonNode n = STRICT.readTree(output);
            if (n == null || n.isMissingNode()) {
                fail("no JSON document in: " + output);
            }
            return n;
        } catch (JsonProcessingException e) {
            return fail("not one JSON document (" + e.getOriginalMessage() + "):\n" + output);
        }
    }
}
