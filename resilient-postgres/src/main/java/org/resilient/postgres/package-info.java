/**
 * The {@code postgres} component: exports databases with {@code pg_dump} (directory format, parallel, no
 * compression so the archive can deduplicate) and imports them into a read-only standby with
 * {@code pg_restore} into a temporary database that is swapped in by rename.
 */
package org.resilient.postgres;
