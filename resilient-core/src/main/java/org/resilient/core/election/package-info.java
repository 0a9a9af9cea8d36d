/**
 * The election of the next leader, as a pure function of the members' published states and the time: no
 * I/O, no clock of its own, so every rule is tested with plain values. The node daemon feeds it what the
 * coordinator reports and acts on the {@link org.resilient.core.election.ElectionDecision}.
 */
package org.resilient.core.election;
