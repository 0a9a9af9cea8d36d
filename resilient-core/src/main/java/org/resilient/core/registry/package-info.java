/**
 * Discovery of components, transports and archives with {@link java.util.ServiceLoader}, explaining
 * itself: what was found, what failed to load, and which artifact provides a missing name.
 */
package org.resilient.core.registry;
