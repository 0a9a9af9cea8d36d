/**
 * The simple full-copy archive ({@code copy:/abs/dir}): every generation is a whole copy of a backup
 * directory. Easy to inspect and to restore by hand ({@code cp -a}); the deduplicating archive replaces it as
 * the default. Internal: no compatibility guarantees.
 */
package org.resilient.core.archive.copy;
