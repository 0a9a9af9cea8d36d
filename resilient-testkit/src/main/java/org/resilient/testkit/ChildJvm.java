package org.resilient.testkit;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Child JVMs for a memory test, and a scratch directory for the tree they work on. A test that proves a step runs
 * in bounded memory runs it in a JVM of its own with a small heap (the test's JVM has a large one, and its own
 * objects would blur the figure). The scratch directory is on a tmpfs where there is one: creating, copying and
 * removing tens of thousands of files on a disk shared with other work takes most of such a test's time, and the
 * test is about memory, not disks. It is made before each test and removed after it.
 *
 * <pre>{@code
 * @RegisterExtension
 * final ChildJvm child = new ChildJvm("-Xmx40m");
 * ...
 * ChildJvm.Result r = child.run(System.getProperty("java.class.path"), StoreProcess.class, "a", "b");
 * }</pre>
 */
public final class ChildJvm implements BeforeEachCallback, AfterEachCallback {
    private static final long TIMEOUT_MINUTES = 5;
    private final List<String> options;
    private Path directory;
    private int runs;

    /**
     * How a child ended.
     *
     * @param exit its exit status
     * @param output what it wrote to standard output and error, together
     */
    public record Result(int exit, String output) {
        /** @return the last line of the output, "" if there is none */
        public String lastLine() {
            String text = output.stripTrailing();
            return text.substring(text.lastIndexOf('\n') + 1);
        }
    }

    /**
     * Children started with given JVM options.
     *
     * @param jvmOptions e.g. {@code -Xmx40m}
     */
    public ChildJvm(String... jvmOptions) {
        this.options = List.of(jvmOptions);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Path shm = Path.of("/dev/shm");
        directory = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "child-jvm")
                : Files.createTempDirectory("child-jvm");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        KitFiles.deleteTree(directory);
    }

    /** @return the scratch directory of the running test (on a tmpfs where there is one) */
    public Path directory() {
        return directory;
    }

    /**
     * Runs {@code main} in a child JVM and waits for it to end.
     *
     * @param classPath the child's class path
     * @param main the class whose {@code main} runs
     * @param args its arguments
     * @return its exit status and output
     * @throws AssertionError if it did not end within 5 minutes (it is killed)
     * @throws IOException if it could not be started or its output not read
     * @throws InterruptedException if interrupted while waiting
     */
    public Result run(String classPath, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        Path out = directory.resolve("child-" + (++runs) + ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args) + " did not end in "
                    + TIMEOUT_MINUTES + " minutes");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    /**
     * A class path of just the jars or directories that hold given classes: a test class path of dozens of jars
     * costs a small heap their indexes, so the heap would measure the class path rather than the work.
     *
     * @param classes one class from each entry wanted
     * @return the class path
     */
    public static String classPathOf(Class<?>... classes) {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : classes) {
            try {
                parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("no class path entry for " + c.getName(), e);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
