package org.resilient.api;

/**
 * One piece of damage found by a verify or a restore.
 *
 * @param generationId the generation affected, or null when the damage is not tied to one
 * @param path the file of the backup affected (relative to the backup directory), or null
 * @param offset the byte offset in that file where the damaged data starts, or -1
 * @param location the damaged object of the archive itself (e.g. a pack file), or null
 * @param description what is wrong, and what to do
 */
public record Damage(String generationId, String path, long offset, String location, String description) {
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (generationId != null) {
            s.append("generation ").append(generationId).append(": ");
        }
        if (path != null) {
            s.append(path);
            if (offset >= 0) {
                s.append(" at offset ").append(offset);
            }
            s.append(": ");
        }
        if (location != null) {
            s.append('[').append(location).append("] ");
        }
        return s.append(description).toString();
    }
}
