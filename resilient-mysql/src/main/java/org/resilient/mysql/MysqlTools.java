package org.resilient.mysql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.process.ProcessRunner;
import org.resilient.process.Tools;

/**
 * Finds mydumper and myloader and runs them with the connection options of the settings. A failure whose
 * last lines say why (refused credentials, server not reachable, unknown database) gets that code instead
 * of the generic {@link ErrorCode#TOOL_FAILED}.
 */
final class MysqlTools {
    private static final String HOW_TO_INSTALL = "install the Debian package mydumper (it ships mydumper and myloader)"
            + " or set mysql.tool-dir to the directory holding them";

    private MysqlTools() {
    }

    /**
     * Finds a tool.
     *
     * @param name {@code mydumper} or {@code myloader}
     * @param settings for {@code mysql.tool-dir}
     * @return the executable
     * @throws ResilienceException with {@link ErrorCode#TOOL_MISSING}
     */
    static Path require(String name, MysqlSettings settings) {
        if (settings.toolDir().isPresent()) {
            // A configured directory is where the operator wants the tool from: no silent PATH fallback.
            Path dir = settings.toolDir().get();
            Path tool = dir.resolve(name);
            if (!Files.isRegularFile(tool) || !Files.isExecutable(tool)) {
                throw new ResilienceException(ErrorCode.TOOL_MISSING, name + " not found in " + dir
                        + " (mysql.tool-dir): put it there, fix mysql.tool-dir, or unset it to use the PATH");
            }
            return tool;
        }
        return Tools.require(name, List.of(), HOW_TO_INSTALL);
    }

    /**
     * The command line start shared by both tools: the defaults file (user and password) and where the
     * server is. Nothing secret.
     */
    static List<String> connectionArgs(Path tool, DefaultsFile defaults, MysqlSettings s) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.add(defaults.option());
        if (s.socket().isPresent()) {
            cmd.add("--socket=" + s.socket().get());
        } else {
            cmd.add("--host=" + s.host());
            cmd.add("--port=" + s.port());
        }
        return cmd;
    }

    /**
     * Runs a tool, mapping its failure.
     *
     * @param cmd the command
     * @param s the settings (timeout, password to redact)
     * @param cancellation kills the tool's process tree when cancelled
     * @param loggerName where stderr goes
     */
    static void run(List<String> cmd, MysqlSettings s, Cancellation cancellation, String loggerName) {
        try {
            ProcessRunner.command(cmd)
                    .redact(s.password().map(List::of).orElse(List.of()))
                    .cancellation(cancellation)
                    .timeout(s.timeout())
                    .logger(loggerName)
                    .tailLines(15)
                    .run();
        } catch (ResilienceException e) {
            throw classify(e, s);
        }
    }

    /** mydumper/myloader exit 1 for everything; their last lines tell the cause. */
    static ResilienceException classify(ResilienceException e, MysqlSettings s) {
        if (e.code() != ErrorCode.TOOL_FAILED) {
            return e;
        }
        String text = e.getMessage().toLowerCase(Locale.ROOT);
        if (text.contains("access denied")) {
            return new ResilienceException(ErrorCode.AUTHENTICATION_FAILED,
                    e.getMessage() + "\ncheck mysql.user and mysql.password for " + s.where(), e);
        }
        if (text.contains("can't connect") || text.contains("lost connection") || text.contains("gone away")) {
            return new ResilienceException(ErrorCode.UNREACHABLE,
                    e.getMessage() + "\ncheck that the server " + s.where() + " runs and is reachable", e);
        }
        if (text.contains("unknown database")) {
            return new ResilienceException(ErrorCode.NOT_FOUND, e.getMessage() + "\ncheck mysql.databases", e);
        }
        return e;
    }
}
