/**
 * The test kit for coordinators: {@link org.resilient.testkit.coordination.CoordinatorContract}, which every
 * {@link org.resilient.api.spi.CoordinatorProvider} must pass (membership, the leader lease under faults, the
 * epoch's compare-and-set under races), and a {@link org.resilient.testkit.ManualClock} for
 * coordinators whose timing a test drives by hand. Depends on the API and JUnit only.
 */
package org.resilient.testkit.coordination;
