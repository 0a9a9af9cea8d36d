/** Prune: remove generations and reclaim space without needless rewrites. */
package org.resilient.archive.prune;
