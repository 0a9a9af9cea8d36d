/**
 * Throwaway database servers for tests, as JUnit 5 extensions: {@link org.resilient.testservers.PostgresServer}
 * and {@link org.resilient.testservers.MariaDbServer}, sharing {@link org.resilient.testservers.ThrowawayServer}
 * (a free loopback port, a temporary directory removed afterwards, root detection, {@code option(name, value)},
 * and the server's log in the exception when it fails to start). Depends on JUnit's API and the JDK only.
 */
package org.resilient.testservers;
