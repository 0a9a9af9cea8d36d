/**
 * Manifests and signatures of backups: {@link org.resilient.core.manifest.BackupSealer} writes them after
 * an export, {@link org.resilient.core.manifest.BackupVerifier} checks every byte against them before use.
 * Internal: no compatibility guarantees.
 */
package org.resilient.core.manifest;
