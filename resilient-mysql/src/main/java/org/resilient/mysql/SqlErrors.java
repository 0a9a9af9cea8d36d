package org.resilient.mysql;

import java.sql.SQLException;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Turns server errors into {@link ResilienceException}s whose code says what the user must fix. */
final class SqlErrors {
    /** ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR. */
    private static final int ACCESS_DENIED = 1045;
    private static final int DB_ACCESS_DENIED = 1044;
    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: e.g. SET GLOBAL without SUPER. */
    private static final int PRIVILEGE_MISSING = 1227;
    private static final int UNKNOWN_DATABASE = 1049;

    private SqlErrors() {
    }

    /**
     * Maps a driver exception.
     *
     * @param e the exception
     * @param what what was being done, and where
     * @param settings the settings, to redact the password (may be null when it cannot appear)
     * @return the exception to throw
     */
    static ResilienceException map(SQLException e, String what, MysqlSettings settings) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (settings != null && settings.password().isPresent()) {
            msg = ResilienceException.redact(msg, settings.password().get());
        }
        int code = e.getErrorCode();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (code == ACCESS_DENIED || code == DB_ACCESS_DENIED || state.equals("28000")) {
            return new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, what + ": the server refused the credentials ("
                    + msg + "); check mysql.user and mysql.password");
        }
        if (code == PRIVILEGE_MISSING) {
            return new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, what + ": the account lacks a privilege ("
                    + msg + "); the import account needs SUPER or READ_ONLY ADMIN, the export account RELOAD");
        }
        if (code == UNKNOWN_DATABASE) {
            return new ResilienceException(ErrorCode.NOT_FOUND, what + ": " + msg + "; check mysql.databases");
        }
        if (state.startsWith("08") || (code == 0 && e instanceof java.sql.SQLNonTransientConnectionException)) {
            return new ResilienceException(ErrorCode.UNREACHABLE, what + ": the server cannot be reached (" + msg
                    + "); check that it runs and mysql.host/mysql.port/mysql.socket");
        }
        return new ResilienceException(ErrorCode.TOOL_FAILED, what + ": " + msg, e);
    }
}
