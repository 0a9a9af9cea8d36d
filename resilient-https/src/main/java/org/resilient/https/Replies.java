package org.resilient.https;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The status codes of the node protocol and their meaning on both sides: a server answers a
 * {@link ResilienceException} with the status of its code and its message as the body; a client turns the
 * status back into the code.
 */
final class Replies {
    static final int OK = 200;
    static final int NO_CONTENT = 204;
    static final int PARTIAL = 206;
    static final int BAD_REQUEST = 400;
    static final int FORBIDDEN = 403;
    static final int NOT_FOUND = 404;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int CONFLICT = 409;
    static final int RANGE_NOT_SATISFIABLE = 416;
    static final int SERVER_ERROR = 500;

    private Replies() {
    }

    /**
     * Sends a text answer and ends the exchange's response.
     *
     * @param ex the exchange
     * @param status the status
     * @param text the body
     * @throws IOException if the peer went away
     */
    static void text(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * @param code an error code
     * @return the status that carries it
     */
    static int status(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> NOT_FOUND;
            case AUTHENTICATION_FAILED -> FORBIDDEN;
            case VERIFICATION_FAILED -> CONFLICT;
            case MESSAGE_INVALID, MANIFEST_INVALID, CONFIG_INVALID -> BAD_REQUEST;
            default -> SERVER_ERROR;
        };
    }

    /**
     * The exception a client raises for a refusal.
     *
     * @param status the status received
     * @param what what was asked, e.g. {@code "pull backup X from https://..."}
     * @param body the server's explanation
     * @return the exception
     */
    static ResilienceException refused(int status, String what, String body) {
        ErrorCode code = switch (status) {
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case FORBIDDEN -> ErrorCode.AUTHENTICATION_FAILED;
            case CONFLICT -> ErrorCode.VERIFICATION_FAILED;
            case BAD_REQUEST -> ErrorCode.MESSAGE_INVALID;
            default -> ErrorCode.IO_ERROR;
        };
        String why = body == null || body.isBlank() ? "HTTP status " + status : body.strip();
        return new ResilienceException(code, "cannot " + what + ": the node answered " + status + ": "
                + (why.length() > 500 ? why.substring(0, 500) + "..." : why));
    }
}
