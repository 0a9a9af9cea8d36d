/** The single-writer lock of an archive, with stale-lock takeover. */
package org.resilient.archive.lock;
