/**
 * A node's key material, shared by every transport and by core: which files hold it ({@link
 * org.resilient.support.keys.KeyFiles}, the {@code node.key-store} settings), their password files ({@link
 * org.resilient.support.keys.Secrets}, mode 0600) and the loaded keys ({@link org.resilient.support.keys.NodeKeyMaterial}).
 * No compatibility guarantees: this is plumbing for resilient's own modules.
 */
package org.resilient.support.keys;
