package org.resilient.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The id of one backup. It is also the transaction id that follows the backup through export, pull,
 * archive and import, so a re-sent announcement of the same id is a no-op.
 *
 * <p>Ids made by {@link #of(Instant, String)} sort by creation time: {@code 20261125T163200.123Z-node0}.
 * An id is safe as a file name: letters, digits, {@code . _ -}, at most 128 characters, never {@code ..}.
 *
 * @param value the id as text
 */
public record BackupId(String value) implements Comparable<BackupId> {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The form of {@link #STAMP} and its dash, D for a digit. */
    private static final String STAMP_SHAPE = "DDDDDDDDTDDDDDD.DDDZ-";

    /**
     * Checks the id.
     *
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} if the id is not safe as a file name
     */
    public BackupId {
        Objects.requireNonNull(value, "value");
        if (!SAFE.matcher(value).matches() || value.contains("..")) {
            throw new ResilienceException(ErrorCode.MANIFEST_INVALID,
                    "invalid backup id '" + value + "': use letters, digits, '.', '_' and '-' only (max 128)");
        }
    }

    /**
     * Makes a new id from a time and the name of the node that made the backup.
     *
     * @param time when the backup started
     * @param node the exporting node's name
     * @return an id that sorts by time
     */
    public static BackupId of(Instant time, String node) {
        return new BackupId(STAMP.format(time) + "-" + node);
    }

    /**
     * The time an id made by {@link #of(Instant, String)} holds.
     *
     * @return the time, or empty for an id of another form
     */
    public java.util.Optional<Instant> time() {
        int dash = value.indexOf('-');
        if (dash != 20) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Instant.from(STAMP.parse(value.substring(0, dash))));
        } catch (java.time.DateTimeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Whether the id has (up to one character) the form of an id made by {@link #of(Instant, String)} but holds no
     * valid time, e.g. {@code 20260q01T163200.123Z-node0}: an id damaged in transit. Such an id would still sort
     * among (or after) the real ones, so a receiver refuses it rather than waiting for a backup that never comes.
     *
     * @return true if the id looks time-stamped but its time does not parse
     */
    public boolean hasDamagedTime() {
        if (value.length() < STAMP_SHAPE.length() + 1 || time().isPresent()) {
            return false;
        }
        int differences = 0;
        for (int i = 0; i < STAMP_SHAPE.length(); i++) {
            char shape = STAMP_SHAPE.charAt(i);
            char c = value.charAt(i);
            boolean fits = shape == 'D' ? c >= '0' && c <= '9' : c == shape;
            if (!fits) {
                differences++;
            }
        }
        return differences <= 1;
    }

    @Override
    public int compareTo(BackupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
