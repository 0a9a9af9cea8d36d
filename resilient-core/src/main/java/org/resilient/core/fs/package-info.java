/**
 * File-system helpers: {@link org.resilient.support.fs.AtomicFiles} (write, rename and delete so that nothing
 * partial is ever visible) and {@link org.resilient.core.fs.TreeCopy} (fast, resumable tree copies that keep
 * links, modes and times). Internal: no compatibility guarantees.
 */
package org.resilient.core.fs;
