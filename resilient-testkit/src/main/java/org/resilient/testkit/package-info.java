/**
 * The test kit: abstract JUnit 5 contract classes a component, transport or archive author extends with a
 * fixture ({@link org.resilient.testkit.ExporterContract}, {@link org.resilient.testkit.ImporterContract},
 * {@link org.resilient.testkit.TransportContract}, {@link org.resilient.testkit.ArchiveContract}), and sample
 * backups to build tests on ({@link org.resilient.testkit.TestBackups}). A test declares what it needs with
 * {@link org.resilient.testkit.Requires}; where the implementation does not declare it, the test is skipped,
 * saying which, in the report and on the console.
 *
 * <p>The kit depends on {@code resilient-api} and {@code junit-jupiter-api} only. Run it with Surefire 3 and
 * {@code <failIfNoTests>true</failIfNoTests>}: Maven 3.8's default Surefire 2.12 finds no JUnit 5 test and
 * reports success. The module's README has the whole pom snippet.
 */
package org.resilient.testkit;
