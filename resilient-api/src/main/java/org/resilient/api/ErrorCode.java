package org.resilient.api;

/**
 * What went wrong, as a stable code. Each code maps to the exit status of the {@code resilient} command,
 * so scripts can tell a bad configuration from corrupted data without parsing messages.
 */
public enum ErrorCode {
    /** A bug or an unexpected state inside resilient. */
    INTERNAL(1),
    /** The configuration is missing keys, has unknown keys or malformed values. */
    CONFIG_INVALID(2),
    /** No provider (component, transport or archive) is registered under the asked name. */
    UNKNOWN_PROVIDER(2),
    /** Two providers claim the same name. */
    DUPLICATE_PROVIDER(2),
    /** A provider was found but could not be loaded or instantiated. */
    PROVIDER_LOAD_FAILED(2),
    /** A manifest or signature file is malformed or names a path outside its backup. */
    MANIFEST_INVALID(3),
    /** Data does not match its manifest: a file was changed, truncated, added or removed. */
    VERIFICATION_FAILED(3),
    /** A message from another node is malformed or of a newer format; it is set aside, never acted on. */
    MESSAGE_INVALID(3),
    /** Archive data is damaged (checksum mismatch, truncated or missing pack, bad index). */
    ARCHIVE_CORRUPT(3),
    /** The archive was written by a newer format version than this build understands. */
    ARCHIVE_VERSION(3),
    /** Another process holds the lock (another export, store or prune is running). */
    LOCKED(4),
    /** A message or operation carried an epoch older than the node's: it came from a deposed leader. */
    STALE_EPOCH(4),
    /** The operation is not allowed in the node's current role or state. */
    WRONG_STATE(4),
    /** A file or directory could not be read or written. */
    IO_ERROR(5),
    /** A target directory is not writable. */
    NOT_WRITABLE(5),
    /** A named backup, generation, database or node does not exist. */
    NOT_FOUND(6),
    /** An external tool the component needs is missing or too old. */
    TOOL_MISSING(7),
    /** An external tool ran and failed. */
    TOOL_FAILED(7),
    /** The component's server refused the credentials. */
    AUTHENTICATION_FAILED(8),
    /** The component's server or a peer node could not be reached. */
    UNREACHABLE(8),
    /** The operation was cancelled. */
    CANCELLED(9),
    /** The operation did not finish in time. */
    TIMEOUT(9),
    /** The component or provider does not support the requested operation. */
    UNSUPPORTED(10);

    private final int exitStatus;

    ErrorCode(int exitStatus) {
        this.exitStatus = exitStatus;
    }

    /**
     * The exit status of the {@code resilient} command when it fails with this code.
     *
     * @return a value between 1 and 125
     */
    public int exitStatus() {
        return exitStatus;
    }
}
