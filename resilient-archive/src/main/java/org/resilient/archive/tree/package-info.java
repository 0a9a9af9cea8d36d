/** Generation files: the tree of a stored directory with its chunk lists, and metadata. */
package org.resilient.archive.tree;
