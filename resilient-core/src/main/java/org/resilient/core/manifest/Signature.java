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
            String[] entry = line(line, n);
            if (entry != null && out.put(entry[1], entry[0]) != null) {
                throw bad(n, "path listed twice: " + entry[1]);
            }
        }
        return out;
    }

    /**
     * Parses one line of a SIGNATURE file.
     *
     * @param line the line, without its newline
     * @param n its number, for the message
     * @return the hex digest and the path, or null for an empty line
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} for a malformed line or an unsafe path
     */
    static String[] line(String line, int n) {
        if (line.isEmpty()) {
            return null;
        }
        if (line.length() < 67 || !isHex(line) || line.charAt(64) != ' '
                || (line.charAt(65) != ' ' && line.charAt(65) != '*')) {
            throw bad(n, "expected '<64 hex digits>  <path>'");
        }
        String path = line.substring(66);
        try {
            ManifestEntry.checkPath(path);
        } catch (ResilienceException e) {
            throw bad(n, e.getMessage());
        }
        return new String[] {line.substring(0, 64), path};
    }

    private static boolean isHex(String line) {
        for (int i = 0; i < 64; i++) {
            char c = line.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    static ResilienceException notText() {
        return bad(0, "not UTF-8 text");
    }

    static ResilienceException duplicate(int n, String path) {
        return bad(n, "path listed twice: " + path);
    }

    private static ResilienceException bad(int line, String why) {
        return new ResilienceException(ErrorCode.MANIFEST_INVALID,
                "SIGNATURE line " + line + ": " + why + ". The backup is damaged; do not import it.");
    }
}
