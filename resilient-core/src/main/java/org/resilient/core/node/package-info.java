/**
 * The three roles of a node (export, pull-backup, import), the job queue, node state and takeover.
 * Internal: embed nodes through {@link org.resilient.core.Resilient}.
 */
package org.resilient.core.node;
