/**
 * The embedding API of resilient: {@link org.resilient.core.Resilient} builds running nodes. Everything in
 * the sub-packages is implementation, with no compatibility guarantees; plug-ins compile against
 * {@code org.resilient.api.spi} only.
 */
package org.resilient.core;
