package org.resilient.postgres;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Prepares a {@code pg_dumpall --globals-only} script for a standby: drops the statements about the role the
 * importer connects as, so that applying the source's roles cannot change that role's password or rights
 * and lock the importer out of its own standby.
 */
final class GlobalsFilter {
    private GlobalsFilter() {
    }

    /**
     * Filters the script.
     *
     * @param script the globals script, as pg_dumpall wrote it (one statement per line)
     * @param connectingRole the role the importer connects as
     * @return the script without {@code CREATE ROLE}/{@code ALTER ROLE} lines for that role
     */
    public static String filter(String script, String connectingRole) {
        List<String> names = List.of(connectingRole, PgSession.ident(connectingRole));
        return script.lines().filter(line -> names.stream().noneMatch(n ->
                        line.equals("CREATE ROLE " + n + ";") || line.startsWith("ALTER ROLE " + n + " ")))
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
