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
        // This command ships slf4j-simple: naming it spares slf4j a search of every jar for a provider (30-50 ms of
        // each command's start), and its note about the property is not printed.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "WARN"));
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
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command, writing to the given streams. A command line that starts with a subcommand's name is run by
     * that subcommand's own tree, built alone: picocli builds the model of every command it is given from their
     * annotations, and building all of them took 0.1-0.15 CPU-s of every short command such as an incremental
     * {@code archive store}. Usage, errors and exit statuses are the same as through {@link #commandLine}.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit status
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        Class<?> sub = args.length == 0 ? null : subcommand(args[0]);
        if (sub == null) {
            return commandLine(out, err).execute(args);
        }
        // The root as its annotation declares it, holding only the subcommand named.
        Command root = Main.class.getAnnotation(Command.class);
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(new Main())
                .name(root.name()).version(root.version()).mixinStandardHelpOptions(root.mixinStandardHelpOptions());
        spec.usageMessage().description(root.description());
        CommandLine cl = new CommandLine(spec);
        cl.addSubcommand(args[0], new CommandLine(sub));
        return configure(cl, out, err).execute(args);
    }

    /** The subcommand class with this name or alias, or null; read from the annotations alone. */
    private static Class<?> subcommand(String name) {
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            Command command = c.getAnnotation(Command.class);
            if (command != null && (command.name().equals(name) || java.util.List.of(command.aliases()).contains(name))) {
                return c;
            }
        }
        return null;
    }

    /**
     * The configured command line, writing to the given streams (tests pass their own).
     *
     * @param out standard output
     * @param err standard error
     * @return the command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return configure(new CommandLine(new Main()), out, err);
    }

    private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
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
