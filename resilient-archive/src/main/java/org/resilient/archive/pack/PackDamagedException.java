package org.resilient.archive.pack;

import java.io.IOException;

/** A pack's bytes are damaged: truncated, unreadable trailer, or a chunk that fails its hash. */
public class PackDamagedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is damaged
     */
    public PackDamagedException(String message) {
        super(message);
    }
}
