package org.resilient.postgres;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * What a database has beside its contents, which {@code pg_dump} without {@code --create} leaves out: its
 * settings ({@code ALTER DATABASE ... SET}), its comment, its connection limit and its ACL ({@code GRANT
 * CONNECT/CREATE/TEMP}). The exporter reads them from the catalog (a fenced database's as they were before its
 * {@link DatabaseFence}), the importer gives them to the restored database before fencing it, so that the fence
 * records the leader's connection limit and promotion restores it with the owner.
 *
 * @param connectionLimit the connection limit, -1 for none
 * @param comment the comment, empty for none
 * @param settings the database's own settings as {@code name=value} ({@code pg_db_role_setting} form)
 * @param grants the ACL entries other than the owner's, as {@code grantee/PRIVILEGE/grantable}, an empty grantee
 *     for PUBLIC; the defaults of a database without ACL are listed too
 */
record DatabaseProperties(int connectionLimit, String comment, List<String> settings, List<String> grants) {
    /** Settings whose value is a list (pg_dump's GUC_LIST_QUOTE ones): stored with identifier quoting, not a literal. */
    private static final Set<String> LIST_SETTINGS = Set.of("search_path", "temp_tablespaces",
            "session_preload_libraries", "local_preload_libraries", "shared_preload_libraries");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*");
    private static final Pattern LIST_VALUE = Pattern.compile(
            "(\"([^\"]|\"\")*\"|[A-Za-z0-9_$.]+)(, (\"([^\"]|\"\")*\"|[A-Za-z0-9_$.]+))*");
    private static final Pattern GRANT = Pattern.compile("([^/]*)/(CONNECT|CREATE|TEMPORARY)/(true|false)");

    /** Freezes the lists. */
    DatabaseProperties {
        settings = List.copyOf(settings);
        grants = List.copyOf(grants);
    }

    /**
     * Reads a database's properties; for a fenced database, those its fence recorded or replaced.
     *
     * @param pg a session to the server
     * @param db the database
     * @return its properties
     */
    static DatabaseProperties read(PgSession pg, String db) {
        String maintenance = pg.settings().maintenanceDatabase();
        String where = "d.datname = " + PgSession.literal(db);
        String fenceRecord = "(SELECT substr(c, " + (DatabaseFence.MARKER.length() + 2) + ") FROM pg_db_role_setting s, "
                + "unnest(s.setconfig) c WHERE s.setdatabase = d.oid AND s.setrole = 0 AND c LIKE "
                + PgSession.literal(DatabaseFence.MARKER + "=%") + " LIMIT 1)";
        String[] row = pg.queryValue(maintenance, "SELECT d.datconnlimit, coalesce(" + fenceRecord + ", ''), "
                + "encode(convert_to(coalesce(shobj_description(d.oid, 'pg_database'), ''), 'UTF8'), 'hex') "
                + "FROM pg_database d WHERE " + where).split("\u001f", -1);
        String fence = row[1];
        int limit = Integer.parseInt(row[0].trim());
        String realOwner = null;
        if (!fence.isEmpty()) {
            // connection-limit=N;owner=R (DatabaseFence's record): the state before the fence
            int sep = fence.indexOf(";owner=");
            limit = Integer.parseInt(fence.substring(fence.indexOf('=') + 1, sep).trim());
            realOwner = fence.substring(sep + ";owner=".length());
        }
        List<String> settings = new ArrayList<>();
        for (String hex : pg.query(maintenance, "SELECT encode(convert_to(c, 'UTF8'), 'hex') FROM pg_database d "
                + "JOIN pg_db_role_setting s ON s.setdatabase = d.oid AND s.setrole = 0, unnest(s.setconfig) c WHERE "
                + where + " ORDER BY 1")) {
            String c = unhex(hex);
            boolean fenceOwn = c.startsWith(DatabaseFence.MARKER + "=")
                    || (!fence.isEmpty() && c.equals("default_transaction_read_only=on"));
            if (!fenceOwn) {
                settings.add(c);
            }
        }
        String owners = "d.datdba" + (realOwner == null ? "" : ", (SELECT oid FROM pg_roles WHERE rolname = "
                + PgSession.literal(realOwner) + ")");
        List<String> grants = new ArrayList<>();
        for (String g : pg.query(maintenance, "SELECT CASE WHEN a.grantee = 0 THEN '' ELSE pg_get_userbyid(a.grantee) END"
                + " || '/' || a.privilege_type || '/' || a.is_grantable FROM pg_database d, "
                + "aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a WHERE " + where
                + " AND a.grantee NOT IN (" + owners + ") ORDER BY 1")) {
            grants.add(g);
        }
        return new DatabaseProperties(limit, unhex(row[2]), settings, grants);
    }

    /**
     * Gives a database these properties; the ACL only when {@code withAcl} (not with {@code postgres.no-owner}).
     * A grant to a role the server does not have is skipped with a warning (apply {@code postgres.globals}).
     *
     * @param pg a session to the server, as a superuser
     * @param db the database, new: its ACL is the default one
     * @param withAcl whether to apply the grants
     * @param log where to warn
     */
    void apply(PgSession pg, String db, boolean withAcl, Logger log) {
        String ident = PgSession.ident(db);
        List<String> sql = new ArrayList<>(List.of("BEGIN"));
        sql.add("ALTER DATABASE " + ident + " CONNECTION LIMIT " + connectionLimit);
        sql.add("COMMENT ON DATABASE " + ident + " IS " + (comment.isEmpty() ? "NULL" : PgSession.literal(comment)));
        for (String s : settings) {
            int eq = s.indexOf('=');
            String name = eq < 0 ? "" : s.substring(0, eq);
            if (!NAME.matcher(name).matches()) {
                log.warn("not carrying database setting '{}' of '{}' to {}: unexpected name", s, db, pg.settings().where());
                continue;
            }
            String value = s.substring(eq + 1);
            boolean list = LIST_SETTINGS.contains(name.toLowerCase(java.util.Locale.ROOT)) && LIST_VALUE.matcher(value).matches();
            sql.add("ALTER DATABASE " + ident + " SET " + name + " TO " + (list ? value : PgSession.literal(value)));
        }
        if (withAcl) {
            Set<String> roles = Set.copyOf(pg.query(pg.settings().maintenanceDatabase(), "SELECT rolname FROM pg_roles"));
            sql.add("REVOKE ALL ON DATABASE " + ident + " FROM PUBLIC");
            for (String g : grants) {
                var m = GRANT.matcher(g);
                if (!m.matches()) {
                    log.warn("not carrying grant '{}' on '{}': unexpected form", g, db);
                    continue;
                }
                String grantee = m.group(1).isEmpty() ? "PUBLIC" : PgSession.ident(m.group(1));
                if (!m.group(1).isEmpty() && !roles.contains(m.group(1))) {
                    log.warn("not granting {} on database '{}' to role '{}' on {}: the role does not exist there "
                            + "(postgres.globals carries roles)", m.group(2), db, m.group(1), pg.settings().where());
                    continue;
                }
                sql.add("GRANT " + m.group(2) + " ON DATABASE " + ident + " TO " + grantee
                        + ("true".equals(m.group(3)) ? " WITH GRANT OPTION" : ""));
            }
        }
        sql.add("COMMIT");
        pg.execute(pg.settings().maintenanceDatabase(), String.join(";\n", sql) + ";");
    }

    private static String unhex(String hex) {
        return new String(HexFormat.of().parseHex(hex.trim()), StandardCharsets.UTF_8);
    }
}
