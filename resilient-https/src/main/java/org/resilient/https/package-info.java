/**
 * The {@code https} transport: nodes on several machines, named {@code https://host:port}, talk over TLS 1.3
 * with mutual authentication (every node holds a certificate signed by the cluster's CA, whose subject CN is
 * the node's name). Each node serves its inbox, its published backups (resumable, verified pulls) and pushes
 * into it on {@code node.listen}; {@link org.resilient.https.ClusterKeys} makes the key material.
 *
 * <p>Only {@link org.resilient.https.HttpsTransportProvider} (found through {@link java.util.ServiceLoader}),
 * {@link org.resilient.https.ClusterKeys} and {@link org.resilient.https.HttpsSettings} are public; the rest
 * has no compatibility guarantees.
 */
package org.resilient.https;
