package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/** A command line run by its subcommand's tree alone behaves exactly as through the whole command tree. */
class DispatchTest {

    @Test
    void everySubcommandAnswersAsThroughTheWholeTree(@TempDir Path dir) {
        List<String[]> cases = new ArrayList<>();
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            String name = c.getAnnotation(Command.class).name();
            cases.add(new String[] {name, "--help"});
            cases.add(new String[] {name, "--no-such-option"});
        }
        cases.add(new String[] {"archive"});
        cases.add(new String[] {"archive", "--version"});
        cases.add(new String[] {"archive", "bogus"});
        cases.add(new String[] {"archive", "store"});
        cases.add(new String[] {"archive", "store", "--help"});
        cases.add(new String[] {"archive", "store", "--version"});
        cases.add(new String[] {"archive", "restore", "--help"});
        cases.add(new String[] {"archive", "restore", "x"});
        cases.add(new String[] {"archive", "list", "--bogus"});
        cases.add(new String[] {"archive", "--help", "store"});
        cases.add(new String[] {"archive", "Store"});
        cases.add(new String[] {"archive", "list", "--repo", dir.resolve("none").toString()});
        cases.add(new String[] {"archive", "init", "--repo", dir.resolve("a").toString()});
        cases.add(new String[] {"archive", "list", "--json", "--repo", dir.resolve("a").toString()});
        cases.add(new String[] {"archive", "stats", "--repo", dir.resolve("a").toString()});
        cases.add(new String[] {"archive", "verify", "--repo", dir.resolve("a").toString()});
        cases.add(new String[] {"components"});
        cases.add(new String[] {"bogus"});
        cases.add(new String[] {"--help"});
        cases.add(new String[] {});
        for (String[] args : cases) {
            CliRun fast = CliRun.of(args);
            CliRun whole = whole(args);
            String what = String.join(" ", args);
            assertEquals(whole.status(), fast.status(), what);
            assertEquals(whole.out(), fast.out(), what);
            assertEquals(whole.err(), fast.err(), what);
        }
        // The cases are not vacuous: they include successes, usage errors and failures.
        assertEquals(0, CliRun.of("archive", "--help").status());
        assertTrue(CliRun.of("archive", "store").status() != 0);
        assertTrue(CliRun.of("archive", "store", "--help").out().contains("Usage: resilient archive store"));
    }

    @Test
    void everySubcommandIsFoundWithoutReadingTheOthers() {
        // The fast path finds a subcommand by its class name; one that breaks the convention would still work,
        // through the whole tree, but slowly: this keeps every command on the fast path.
        for (Class<?> group : List.of(Main.class, org.resilient.cli.archive.ArchiveCommand.class)) {
            Class<?>[] subs = group.getAnnotation(Command.class).subcommands();
            assertTrue(subs.length > 0);
            for (Class<?> c : subs) {
                assertEquals(c, Main.subcommand(group, c.getAnnotation(Command.class).name()), c.getName());
            }
        }
        assertEquals(null, Main.subcommand(Main.class, "Archive"));
        assertEquals(null, Main.subcommand(Main.class, "main"));
        assertEquals(null, Main.subcommand(Main.class, ""));
    }

    private static CliRun whole(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(status, out.toString(), err.toString());
    }
}
