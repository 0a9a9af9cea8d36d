/**
 * The service provider interfaces: {@link org.resilient.api.spi.ComponentProvider} (with its
 * {@link org.resilient.api.spi.Exporter} and {@link org.resilient.api.spi.Importer}),
 * {@link org.resilient.api.spi.TransportProvider}, {@link org.resilient.api.spi.ArchiveProvider} and
 * {@link org.resilient.api.spi.CoordinatorProvider} (membership, leader {@link org.resilient.api.spi.Lease}
 * and the epoch as a fencing token).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: ship a
 * {@code META-INF/services/org.resilient.api.spi.ComponentProvider} (or the transport / archive /
 * coordinator equivalent) naming your provider class. Providers must have a public no-argument constructor and be
 * cheap to construct; do expensive work in the objects they create.
 */
package org.resilient.api.spi;
