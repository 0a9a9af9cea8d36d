/**
 * The {@code postgres} component: exports databases with {@code pg_dump} (directory format, parallel, no
 * compression so the archive can deduplicate) and imports them into a read-only standby with
 * {@code pg_restore} into a temporary database that is swapped in by rename.
 *
 * <p>The public types are {@link org.resilient.postgres.PostgresComponentProvider} (found by
 * {@link java.util.ServiceLoader}) and {@link org.resilient.postgres.PostgresSettings} (the {@code postgres.}
 * keys). Every other class is package-private: an internal without compatibility guarantees. The
 * {@code mysql} component has the same shape.
 */
package org.resilient.postgres;
