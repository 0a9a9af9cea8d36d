/**
 * Internals of the postgres component: tool discovery, the pgpass file, psql control statements and error
 * mapping. No compatibility guarantees.
 */
package org.resilient.postgres.internal;
