package org.resilient.mysql;

import java.nio.file.Path;
import java.util.Map;
import org.resilient.api.Settings;

/**
 * A JVM of its own that imports a dump into a standby and stops at a named point of the swap, for tests that kill
 * it there with {@code kill -9}: it prints {@code AT <point>} when it reaches the point, then either waits there to
 * be killed ({@code wait}) or goes on ({@code race}: the test kills it while the next statement runs).
 */
public final class KillableImport {
    private KillableImport() {
    }

    /**
     * @param args host, port, databases, dump directory, point, {@code wait} or {@code race}
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        Settings s = Settings.of(Map.of("mysql.host", args[0], "mysql.port", args[1], "mysql.user", "root",
                "mysql.databases", args[2], "mysql.threads", "2", "mysql.timeout", "3m"));
        MysqlImporter importer = new MysqlImporter(MysqlSettings.from(s), Long.MAX_VALUE,
                stopAt(args[4], args[5].equals("race")));
        importer.importBackup(TestDb.importContext(Path.of(args[3])));
        System.out.println("DONE");
        System.out.flush();
    }

    /**
     * The crash-point hook of a JVM to be killed: prints {@code AT <point>} at the point, then waits there for the
     * kill, or goes on ({@code race}).
     *
     * @param point the point to stop at
     * @param race true to go on after telling
     * @return the hook for {@link StandbySwap}
     */
    static java.util.function.Consumer<String> stopAt(String point, boolean race) {
        return p -> {
            if (p.equals(point)) {
                System.out.println("AT " + p);
                System.out.flush();
                while (!race) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        // only kill -9 ends this wait
                    }
                }
            }
        };
    }
}
