package org.resilient.postgres;

import java.util.List;
import java.util.Locale;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Turns the stderr of a failed libpq tool into an {@link ErrorCode} and a message saying what to do. */
final class PgErrors {
    private PgErrors() {
    }

    /**
     * Classifies a failure by the tool's last stderr lines.
     *
     * @param tail the last lines
     * @return the code
     */
    public static ErrorCode classify(List<String> tail) {
        String text = String.join("\n", tail).toLowerCase(Locale.ROOT);
        if (text.contains("password authentication failed") || text.contains("no password supplied")
                || text.contains("authentication failed") || (text.contains("role \"") && text.contains("does not exist")
                && text.contains("fatal"))) {
            return ErrorCode.AUTHENTICATION_FAILED;
        }
        if (text.contains("connection refused") || text.contains("could not connect")
                || text.contains("could not translate host name") || text.contains("timeout expired")
                || text.contains("no route to host") || text.contains("network is unreachable")
                || text.contains("the database system is shutting down")
                || text.contains("the database system is starting up")
                || text.contains("server closed the connection unexpectedly")
                || text.contains("terminating connection due to administrator command")) {
            return ErrorCode.UNREACHABLE;
        }
        if (text.contains("database \"") && text.contains("does not exist")) {
            return ErrorCode.NOT_FOUND;
        }
        if (text.contains("no space left on device") || text.contains("could not extend file")
                || text.contains("disk full")) {
            return ErrorCode.IO_ERROR;
        }
        return ErrorCode.TOOL_FAILED;
    }

    /**
     * Builds the exception for a failed tool.
     *
     * @param what what was being done, e.g. {@code "pg_dump of database 'shop'"}
     * @param where the server, {@code host:port}
     * @param exitCode the tool's exit status
     * @param tail its last stderr lines (already redacted)
     * @return the exception
     */
    public static ResilienceException failure(String what, String where, int exitCode, List<String> tail) {
        ErrorCode code = classify(tail);
        String advice = switch (code) {
            case AUTHENTICATION_FAILED -> "the server refused the credentials; check postgres.user and postgres.password";
            case UNREACHABLE -> "the server could not be reached; check postgres.host and postgres.port and that the "
                    + "server is running and accepts TCP connections";
            case NOT_FOUND -> "a database does not exist; check postgres.databases";
            case IO_ERROR -> "the server ran out of disk space; free space on the server and retry";
            default -> "see the tool's output below and the server log";
        };
        return new ResilienceException(code, what + " on " + where + " failed (exit status " + exitCode + "): "
                + advice + (tail.isEmpty() ? "" : "; last lines of its output:\n  " + String.join("\n  ", tail)));
    }
}
