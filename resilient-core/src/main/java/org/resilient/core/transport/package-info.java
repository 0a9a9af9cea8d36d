/**
 * What transports share: {@link org.resilient.core.transport.MessageCodec}, the text form of a
 * {@link org.resilient.api.Message}. The local file-system transport is in
 * {@link org.resilient.core.transport.local}. Internal: no compatibility guarantees.
 */
package org.resilient.core.transport;
