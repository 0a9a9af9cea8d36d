/** The archive directory: layout, config, and crash-safe file writes. */
package org.resilient.archive.repo;
