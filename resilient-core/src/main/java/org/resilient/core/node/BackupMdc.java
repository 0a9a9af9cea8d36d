package org.resilient.core.node;

import org.resilient.api.BackupId;
import org.slf4j.MDC;

/**
 * The backup id as the transaction id of the logs: every step of a backup (export, announce, pull, archive,
 * push, import) logs with the SLF4J MDC key {@value #KEY} set to its id, on every node, so that one grep for
 * the id follows the backup across nodes. Threads a step starts copy it (see {@code PullBackup}).
 */
public final class BackupMdc {
    /** The MDC key. */
    public static final String KEY = "backup";

    private BackupMdc() {
    }

    /** A scope that puts the previous value back when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Sets the backup id of the logs of this thread until the scope is closed.
     *
     * @param id the backup, or null to leave the logs as they are
     * @return the scope
     */
    public static Scope of(BackupId id) {
        String before = MDC.get(KEY);
        if (id == null) {
            return () -> { };
        }
        MDC.put(KEY, id.value());
        return () -> {
            if (before == null) {
                MDC.remove(KEY);
            } else {
                MDC.put(KEY, before);
            }
        };
    }
}
