/**
 * In-memory implementations of the SPI for tests and demos: the {@code mem} transport
 * ({@link org.resilient.testkit.memory.MemoryTransportProvider}, nodes in a
 * {@link org.resilient.testkit.memory.MemoryNetwork}), the {@code mem} archive
 * ({@link org.resilient.testkit.memory.MemoryArchiveProvider}) and the {@code memory} component
 * ({@link org.resilient.testkit.memory.MemoryComponentProvider}, stores in
 * {@link org.resilient.testkit.memory.MemoryStore}). Everything lives in this process only.
 */
package org.resilient.testkit.memory;
