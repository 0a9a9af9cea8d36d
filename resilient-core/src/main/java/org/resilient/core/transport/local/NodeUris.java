package org.resilient.core.transport.local;

import java.net.URI;
import java.nio.file.Path;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Turns {@code file:} node URIs into node directories. */
final class NodeUris {
    private NodeUris() {
    }

    static Path toPath(URI uri, String what) {
        if (uri == null || !"file".equalsIgnoreCase(uri.getScheme())) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, what + " '" + ResilienceException.redact(uri)
                    + "' is not a file: URI; name a node directory like file:/srv/resilient/node1");
        }
        try {
            return Path.of(uri).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, what + " '" + ResilienceException.redact(uri) + "' is not a usable file: URI ("
                    + e.getMessage() + "); name a node directory like file:/srv/resilient/node1", e);
        }
    }
}
