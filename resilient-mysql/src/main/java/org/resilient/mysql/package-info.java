/**
 * The {@code mysql} component: {@link org.resilient.mysql.MysqlExporter} (mydumper) and
 * {@link org.resilient.mysql.MysqlImporter} (myloader into temporary databases, then an atomic
 * {@code RENAME TABLE} swap into a read-only standby), configured by {@link org.resilient.mysql.MysqlSettings}.
 * Package-private classes are internals without compatibility guarantees.
 */
package org.resilient.mysql;
