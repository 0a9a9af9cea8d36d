/**
 * An example third-party component: a SQLite database made resilient, written against {@code resilient-api} only
 * and tested with {@code resilient-testkit} and {@code resilient-harness}. See {@link org.example.sqlite.SqliteComponentProvider}.
 */
package org.example.sqlite;
