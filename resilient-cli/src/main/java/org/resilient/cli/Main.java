package org.resilient.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.resilient.api.ResilienceException;
import org.resilient.process.SecretFile;
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
            TakeoverCommand.class,
            PromoteCommand.class,
            NodeCommand.class,
            RunCommand.class,
            ReplicateCommand.class,
            KeysCommand.class,
            org.resilient.cli.archive.ArchiveCommand.class,
        })
public final class Main implements Runnable {
    private static final String LOG_LEVEL = "resilient.log.level";

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
        // This command ships logback (a real backend: the node daemon's log file is rolled by size and day, and it is
        // configured in code by org.resilient.cli.log, without an XML file to parse). Naming it spares slf4j a search
        // of every jar for a provider (30-50 ms of each command's start).
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "ch.qos.logback.classic.spi.LogbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "WARN"));
        }
        // The launcher ends the JVM on the first OutOfMemoryError with what to set (-XX:+ExitOnOutOfMemoryError); a
        // worker thread dying of one meanwhile must not print a stack trace over that message.
        Thread.UncaughtExceptionHandler standard = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof OutOfMemoryError) {
                return;
            }
            if (standard != null) {
                standard.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
        System.exit(run(args));
    }

    /**
     * Runs the command.
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int run(String... args) {
        // UTF-8 whatever the platform's default (Java 18+ defaults to it too): names and JSON print the same everywhere
        return execute(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), args);
    }

    /**
     * Runs the command, writing to the given streams. A command line that names a subcommand (and maybe a
     * subcommand of that, as in {@code archive store}) is run by a tree holding only the commands named: picocli
     * builds the model of every command it is given from their annotations, which took 0.1-0.15 CPU-s of every
     * short command such as an incremental {@code archive store} for the whole tree, and 0.05 for the seven
     * archive subcommands. Usage, errors and exit statuses are the same as through {@link #commandLine}.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit status
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        // Secret files (pgpass, MySQL defaults) of this user's processes killed by kill -9 go when any command starts,
        // a node included, not only when the next secret is written.
        SecretFile.removeOrphansAtStart();
        CommandLine named = named(Main.class, new Main(), args, 0);
        return configure(named != null ? named : new CommandLine(new Main()), out, err).execute(args);
    }

    /**
     * The command line of a command group holding only the subcommand named by {@code args[i]}, itself built
     * the same way; null if {@code args[i]} names no subcommand of the group. The group's own model is made from
     * its annotation without inspecting its members (groups have no options but the standard help ones).
     */
    static CommandLine named(Class<?> group, Object instance, String[] args, int i) {
        Class<?> sub = i < args.length ? subcommand(group, args[i]) : null;
        if (sub == null) {
            return null;
        }
        Command declared = group.getAnnotation(Command.class);
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(instance)
                .name(declared.name()).mixinStandardHelpOptions(declared.mixinStandardHelpOptions());
        if (declared.version().length > 0) {
            spec.version(declared.version());
        }
        spec.usageMessage().description(declared.description());
        CommandLine cl = new CommandLine(spec);
        CommandLine inner = null;
        if (sub.getAnnotation(Command.class).subcommands().length > 0) {
            try {
                inner = named(sub, CommandLine.defaultFactory().create(sub), args, i + 1);
            } catch (Exception e) {
                inner = null; // built the usual way below
            }
        }
        cl.addSubcommand(args[i], inner != null ? inner : new CommandLine(sub));
        return cl;
    }

    /**
     * The subcommand of a group with this name, or null. Subcommand classes are named after their command
     * ({@code store} is {@code StoreCommand}), so only the annotation of the one class the name points to is read
     * (reading them all cost about 50 ms); its declared name must match, else the whole tree is built as usual.
     */
    static Class<?> subcommand(Class<?> group, String name) {
        if (name.isEmpty() || !Character.isLowerCase(name.charAt(0))) {
            return null;
        }
        String simple = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Command";
        for (Class<?> c : group.getAnnotation(Command.class).subcommands()) {
            if (c.getSimpleName().equals(simple)) {
                Command command = c.getAnnotation(Command.class);
                return command != null && command.name().equals(name) && command.aliases().length == 0 ? c : null;
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
            // Not built by this project's code: a location with a password in it may be quoted (see redactLocations).
            java.io.StringWriter trace = new java.io.StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            line.getErr().println("internal error: " + ResilienceException.redactLocations(String.valueOf(ex)));
            line.getErr().print(ResilienceException.redactLocations(trace.toString()));
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a subcommand is required; see --help");
    }
}
