package org.resilient.cli.archive;

/** Byte counts for people. */
public final class Sizes {
    private Sizes() {
    }

    /**
     * Formats a byte count.
     *
     * @param bytes the count
     * @return e.g. {@code 1.5 MiB}
     */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format("%.1f %s", v, units[i]);
    }
}
