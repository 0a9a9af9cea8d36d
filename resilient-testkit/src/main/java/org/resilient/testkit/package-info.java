/**
 * The test kit: abstract JUnit 5 contract classes a component, transport or archive author extends with a
 * fixture ({@link org.resilient.testkit.ExporterContract}, {@link org.resilient.testkit.ImporterContract},
 * {@link org.resilient.testkit.TransportContract}, {@link org.resilient.testkit.ArchiveContract}), and sample
 * backups to build tests on ({@link org.resilient.testkit.TestBackups}). Tests that need a capability the
 * implementation does not declare are skipped, saying which.
 */
package org.resilient.testkit;
