/**
 * Low-level plumbing shared by resilient's modules, one home per idea: {@link org.resilient.support.fs} (writes
 * that are never seen half-done, tree deletion), {@link org.resilient.support.lock} (the one-writer lock file with
 * stale-lock takeover) and {@link org.resilient.support.hash} (SHA-256). It depends on {@code resilient-api} only.
 * Internal: no compatibility guarantees; plugins use {@code resilient-api}.
 */
package org.resilient.support;
