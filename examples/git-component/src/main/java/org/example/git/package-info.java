/**
 * An example third-party component: a bare git repository made resilient, written against {@code resilient-api}
 * only, driving the {@code git} command, and tested with {@code resilient-testkit} and {@code resilient-harness}.
 * See {@link org.example.git.GitComponentProvider}.
 */
package org.example.git;
