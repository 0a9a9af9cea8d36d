/**
 * The {@code files} component, the embedded default: backs up a directory tree (files, empty directories,
 * symbolic links, permissions and modification times) and restores it into a standby directory by an atomic
 * swap, so a failed or interrupted import leaves the previous copy whole.
 */
package org.resilient.core.files;
