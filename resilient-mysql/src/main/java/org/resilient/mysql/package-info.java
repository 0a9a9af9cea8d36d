/**
 * The {@code mysql} component: exports MariaDB/MySQL databases with mydumper and imports them with myloader
 * into temporary databases, then swaps them into a read-only standby by an atomic {@code RENAME TABLE}.
 *
 * <p>The public types are {@link org.resilient.mysql.MysqlComponentProvider} (found by
 * {@link java.util.ServiceLoader}) and {@link org.resilient.mysql.MysqlSettings} (the {@code mysql.} keys).
 * Every other class is package-private: an internal without compatibility guarantees. The {@code postgres}
 * component has the same shape.
 */
package org.resilient.mysql;
