package org.resilient.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of the importer's work databases beside a standby database {@code db}:
 * {@code db__resilient_tmp} (the restore in progress) and {@code db__resilient_old} (the previous state,
 * during the swap). PostgreSQL cuts names at 63 bytes, so long names are shortened with a hash to stay
 * distinct.
 */
final class WorkNames {
    /** Suffix of the database being restored. */
    public static final String TMP = "__resilient_tmp";
    /** Suffix of the previous standby database during the swap. */
    public static final String OLD = "__resilient_old";
    private static final int MAX_BYTES = 63;

    private WorkNames() {
    }

    /**
     * The restore database's name.
     *
     * @param db the standby database
     * @return its work name
     */
    public static String tmp(String db) {
        return name(db, TMP);
    }

    /**
     * The previous database's name during a swap.
     *
     * @param db the standby database
     * @return its work name
     */
    public static String old(String db) {
        return name(db, OLD);
    }

    /**
     * Whether a name is one of the importer's work names.
     *
     * @param name a database name
     * @return true for {@code ...__resilient_tmp} and {@code ...__resilient_old}
     */
    public static boolean isWorkName(String name) {
        return name.endsWith(TMP) || name.endsWith(OLD);
    }

    private static String name(String db, String suffix) {
        String plain = db + suffix;
        if (plain.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return plain;
        }
        String hash = HexFormat.of().formatHex(sha256(db)).substring(0, 8);
        int budget = MAX_BYTES - suffix.length() - hash.length() - 1;
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < db.length(); ) {
            int cp = db.codePointAt(i);
            String c = new String(Character.toChars(cp));
            if (head.toString().getBytes(StandardCharsets.UTF_8).length + c.getBytes(StandardCharsets.UTF_8).length
                    > budget) {
                break;
            }
            head.append(c);
            i += Character.charCount(cp);
        }
        return head + "_" + hash + suffix;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
