/** A small command-line entry point (init, store, list, restore, verify, prune, stats). */
package org.resilient.archive.tool;
