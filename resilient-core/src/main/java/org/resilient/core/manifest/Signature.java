package org.resilient.core.manifest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ResilienceException;

/**
 * The SIGNATURE file: {@code sha256sum} format ({@code <hex>  <path>} per line), listing the MANIFEST and
 * every data file, so {@code cd <backup> && sha256sum -c SIGNATURE} verifies a backup by hand. Paths never
 * need sha256sum's backslash escaping: manifest paths cannot hold backslashes or control characters.
 */
public final class Signature {
    private Signature() {
    }

    /**
     * Serializes path-to-digest pairs in the given order.
     *
     * @param digests relative path (from the backup directory) to hex SHA-256
     * @return the file's bytes
     */
    public static byte[] write(Map<String, String> digests) {
        StringBuilder s = new StringBuilder();
        digests.forEach((path, hex) -> s.append(hex).append("  ").append(path).append('\n'));
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a SIGNATURE file.
     *
     * @param bytes its bytes
     * @return relative path to hex SHA-256, in file order
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} for malformed lines or unsafe paths
     */
    public static Map<String, String> read(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}")
                    || line.charAt(64) != ' ' || (line.charAt(65) != ' ' && line.charAt(65) != '*')) {
                throw bad(n, "expected '<64 hex digits>  <path>'");
            }
            String path = line.substring(66);
            try {
                ManifestEntry.checkPath(path);
            } catch (ResilienceException e) {
                throw bad(n, e.getMessage());
            }
            if (out.put(path, line.substring(0, 64)) != null) {
                throw bad(n, "path listed twice: " + path);
            }
        }
        return out;
    }

    private static ResilienceException bad(int line, String why) {
        return new ResilienceException(ErrorCode.MANIFEST_INVALID,
                "SIGNATURE line " + line + ": " + why + ". The backup is damaged; do not import it.");
    }
}
