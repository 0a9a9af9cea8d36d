package org.resilient.mysql;

import java.util.Set;

/** Rules for the database names the component manages, and the names of its temporary databases. */
final class DatabaseNames {
    /** Suffix of the database a backup is loaded into before the swap. */
    static final String LOADING = "__rtmp";
    /** Suffix of the database the replaced tables are moved to during the swap, then dropped. */
    static final String REPLACED = "__rold";
    private static final Set<String> SYSTEM = Set.of("mysql", "information_schema", "performance_schema", "sys");

    private DatabaseNames() {
    }

    /**
     * Why a name cannot be managed, or null if it can.
     *
     * @param db the name
     * @return the problem, or null
     */
    static String problem(String db) {
        if (!db.matches("[A-Za-z0-9_$]{1,58}")) {
            return "use 1 to 58 letters, digits, '_' or '$' (58 so that the temporary '" + LOADING + "' name fits in 64)";
        }
        if (SYSTEM.contains(db.toLowerCase(java.util.Locale.ROOT))) {
            return "system databases are not backed up";
        }
        if (db.endsWith(LOADING) || db.endsWith(REPLACED)) {
            return "names ending in " + LOADING + " or " + REPLACED + " are the component's temporary databases";
        }
        return null;
    }

    static String loading(String db) {
        return db + LOADING;
    }

    static String replaced(String db) {
        return db + REPLACED;
    }

    /** Quotes an identifier with backticks. */
    static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
