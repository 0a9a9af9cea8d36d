package org.resilient.https;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The name of an https node, {@code https://host:port}: the node's URI, the {@code from} of its messages and
 * the subject CN of its certificate. One spelling (lowercase scheme and host, explicit port, no path) so that
 * the three compare equal.
 */
final class NodeName {
    private NodeName() {
    }

    /**
     * Checks and normalizes a node URI.
     *
     * @param uri e.g. {@code https://db1.example.org:8443}
     * @param what what the URI is, for the error
     * @return {@code https://host:port}
     * @throws ResilienceException {@code CONFIG_INVALID} if it is not of that form
     */
    static URI of(URI uri, String what) {
        if (uri == null || !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0
                || uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, what + " '" + ResilienceException.redact(uri)
                    + "' is not an https node name; name nodes https://host:port, e.g. https://db1.example.org:8443");
        }
        try {
            return new URI("https", null, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, what + " '" + ResilienceException.redact(uri) + "' is not usable: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks and normalizes the name of a node of any transport: an https name as {@link #of}, a {@code file:}
     * name as core spells it ({@code file:/abs/path}, normalized, no trailing slash), so that a certificate's CN
     * equals the {@code from} of the node's messages.
     *
     * @param uri e.g. {@code https://db1.example.org:8443} or {@code file:/srv/db0}
     * @param what what the URI is, for the error
     * @return the normalized name
     * @throws ResilienceException {@code CONFIG_INVALID} if it is neither
     */
    static URI ofAny(URI uri, String what) {
        if (uri != null && "file".equalsIgnoreCase(uri.getScheme()) && uri.getPath() != null) {
            try {
                String path = java.nio.file.Path.of(uri.getPath()).toAbsolutePath().normalize().toString();
                return URI.create("file:" + new URI(null, null, path, null).getRawPath());
            } catch (URISyntaxException | RuntimeException e) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, what + " '" + ResilienceException.redact(uri) + "' is not usable: "
                        + e.getMessage(), e);
            }
        }
        return of(uri, what);
    }

    /**
     * Reads a node name given as text (a message's {@code from}, a certificate's CN).
     *
     * @param text the text
     * @return the normalized name, or null if the text is not an https node name
     */
    static URI parse(String text) {
        try {
            return of(new URI(text), "node");
        } catch (URISyntaxException | ResilienceException e) {
            return null;
        }
    }

    /**
     * A file name for a node's key files: {@code db1.example.org_8443}.
     *
     * @param node the node name
     * @return a name safe in any file system
     */
    static String fileName(URI node) {
        String name = node.getHost() == null ? "file" + node.getPath() : node.getHost() + "_" + node.getPort();
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
