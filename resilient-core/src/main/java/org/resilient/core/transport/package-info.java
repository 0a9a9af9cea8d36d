/**
 * Transports of the core. The text form of a {@link org.resilient.api.Message} that every transport shares is
 * {@link org.resilient.api.MessageCodec}, in the API so that a transport module needs only the API. The local
 * file-system transport is in {@link org.resilient.core.transport.local}. Internal: no compatibility guarantees.
 */
package org.resilient.core.transport;
