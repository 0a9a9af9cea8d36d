/**
 * Runs external tools (pg_dump, mydumper, ...) for components: output streamed to the log, a bounded tail
 * of stderr kept for error messages, timeouts, and the whole process tree killed on cancel or timeout.
 */
package org.resilient.process;
