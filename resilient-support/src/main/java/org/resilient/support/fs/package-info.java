/**
 * File-system plumbing: {@link org.resilient.support.fs.AtomicFiles} writes, renames and deletes so that nothing
 * partial is ever visible, and turns I/O failures into {@link org.resilient.api.ResilienceException}s that tell
 * a permission problem from others. Internal: no compatibility guarantees.
 */
package org.resilient.support.fs;
