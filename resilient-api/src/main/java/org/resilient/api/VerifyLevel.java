package org.resilient.api;

/** How deeply {@link org.resilient.api.spi.Archive#verify} checks. */
public enum VerifyLevel {
    /** Fast: every generation's metadata parses and every piece of data it references exists. */
    STRUCTURE,
    /** Thorough: also re-reads and re-hashes every byte of stored data. */
    READ_DATA
}
