package org.resilient.cli;

import java.io.PrintWriter;
import org.resilient.api.ResilienceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code resilient} command. Exit status 0 only on success; a failure prints what failed and what to
 * do, and exits with the status of its {@link org.resilient.api.ErrorCode}.
 */
@Command(name = "resilient", mixinStandardHelpOptions = true, version = "resilient 0.1.0",
        description = "Backup, historical archive, warm standbys and fenced failover for any stateful component.",
        subcommands = {
            DemoCommand.class,
            ComponentsCommand.class,
            ExportCommand.class,
            PullCommand.class,
            ImportCommand.class,
            StatusCommand.class,
            PromoteCommand.class,
            RunCommand.class,
            org.resilient.cli.archive.ArchiveCommand.class,
        })
public final class Main implements Runnable {
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    /**
     * Runs the command and exits.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // The demo prints its own story; its nodes' INFO logs would drown it (set the property to see them).
        if (args.length > 0 && "demo".equals(args[0]) && System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        System.exit(run(args));
    }

    /**
     * Runs the command.
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int run(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /**
     * The configured command line, writing to the given streams (tests pass their own).
     *
     * @param out standard output
     * @param err standard error
     * @return the command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            if (ex instanceof ResilienceException re) {
                line.getErr().println("error [" + re.code() + "]: " + re.getMessage());
                return re.exitStatus();
            }
            line.getErr().println("internal error: " + ex);
            ex.printStackTrace(line.getErr());
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a subcommand is required; see --help");
    }
}
