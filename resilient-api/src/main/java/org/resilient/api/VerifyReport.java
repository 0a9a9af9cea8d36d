package org.resilient.api;

import java.util.List;

/**
 * The result of {@link org.resilient.api.spi.Archive#verify}.
 *
 * @param level how deeply it checked
 * @param generationsChecked how many generations were checked
 * @param bytesRead how many stored bytes were re-read (0 for {@link VerifyLevel#STRUCTURE})
 * @param damages every piece of damage found; empty when the archive is sound
 */
public record VerifyReport(VerifyLevel level, int generationsChecked, long bytesRead, List<Damage> damages) {
    /**
     * Freezes the damage list.
     */
    public VerifyReport {
        damages = List.copyOf(damages);
    }

    /**
     * Whether nothing is damaged.
     *
     * @return true when {@link #damages()} is empty
     */
    public boolean ok() {
        return damages.isEmpty();
    }
}
