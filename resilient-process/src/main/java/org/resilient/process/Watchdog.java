package org.resilient.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Makes an external tool die with the JVM that started it, even after {@code kill -9} of the JVM (which runs no
 * clean-up): without it, a {@code pg_restore} or {@code mydumper} of a killed node is re-parented to PID 1 and keeps
 * writing. Linux's parent-death signal ({@code prctl(PR_SET_PDEATHSIG)}) is out of Java's reach without native
 * code, so the tool is started through a small shell wrapper:
 *
 * <pre>
 * setsid sh -c WRAPPER resilient-tool STDIN-FILE TOOL ARGS...
 * </pre>
 *
 * {@code setsid} puts the wrapper, the tool and every process the tool starts in a process group of their own; the
 * wrapper runs the tool with its standard input from {@code STDIN-FILE} and, beside it, a watchdog that reads the
 * wrapper's own standard input: a pipe whose only writer is the JVM. When the JVM ends, however it ends, the kernel
 * closes that pipe, the watchdog reads end-of-file and kills the whole group. When the tool ends first, the wrapper
 * stops the watchdog and exits with the tool's status.
 */
final class Watchdog {
    /** The wrapper: $1 is the tool's standard input, the rest the tool and its arguments. */
    static final String WRAPPER = "in=$1; shift\n"
            + "exec 3<&0 0<\"$in\"\n"
            // The watchdog: end-of-file on fd 3 means the JVM is gone; kill the group (0: our own, from setsid).
            + "{ while read -r _ <&3; do :; done; kill -KILL 0; } &\n"
            + "dog=$!\n"
            + "\"$@\" 3<&-\n"
            + "status=$?\n"
            + "kill -KILL \"$dog\" 2>/dev/null\n"
            + "exit \"$status\"\n";

    private static final Optional<Path> SETSID = Tools.find("setsid", List.of(Path.of("/usr/bin"), Path.of("/bin")));
    private static final Optional<Path> SH = Optional.of(Path.of("/bin/sh")).filter(Files::isExecutable);

    private Watchdog() {
    }

    /** @return whether tools can be watched here (Linux and most Unixes: {@code setsid} and {@code /bin/sh}) */
    static boolean available() {
        return SETSID.isPresent() && SH.isPresent();
    }

    /**
     * The command that runs a tool under the watchdog.
     *
     * @param command the tool and its arguments
     * @param stdin the tool's standard input ({@code /dev/null} when null)
     * @return the wrapped command; the JVM must keep the process's standard input open while it runs
     * @throws ResilienceException {@code TOOL_MISSING} if the tool cannot be found: the wrapper itself would start
     */
    static List<String> wrap(List<String> command, Path stdin) {
        String tool = command.get(0);
        boolean found = tool.contains("/") ? Files.isRegularFile(Path.of(tool)) && Files.isExecutable(Path.of(tool))
                : Tools.find(tool, List.of()).isPresent();
        if (!found) {
            throw new ResilienceException(ErrorCode.TOOL_MISSING, "cannot start " + tool
                    + ": no such executable file; check that it is installed and executable");
        }
        List<String> out = new ArrayList<>();
        // setsid forks (and its parent exits at once, which would read as success) only when it is a process group
        // leader already; a child of the JVM never is, so the JVM's child stays the wrapper itself.
        out.add(SETSID.orElseThrow().toString());
        out.add(SH.orElseThrow().toString());
        out.add("-c");
        out.add(WRAPPER);
        out.add("resilient-tool");
        out.add(stdin == null ? "/dev/null" : stdin.toString());
        out.addAll(command);
        return out;
    }
}
