package org.resilient.archive.pack;

/** A pack was written by a newer format version than this build reads. */
public final class PackVersionException extends PackDamagedException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what version was found
     */
    public PackVersionException(String message) {
        super(message);
    }
}
