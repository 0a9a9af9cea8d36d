/**
 * The value types of resilient: backup ids, epochs, manifests, generations, settings, contexts and the
 * one exception type with its {@link org.resilient.api.ErrorCode}.
 *
 * <p>This package and {@link org.resilient.api.spi} are the public, stable surface. Component authors
 * compile against them only; nothing here depends on any other library.
 */
package org.resilient.api;
