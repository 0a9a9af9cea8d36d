/**
 * When a running node works: the export schedule (an interval or a cron expression, with jitter), the
 * exponential backoff of failed exports and jobs, and the times a node records in {@code state/} so that a
 * restarted node picks up where it stopped. Pure logic on {@link java.time.Instant}s from an injected clock.
 * Internal: no compatibility guarantees.
 */
package org.resilient.core.schedule;
