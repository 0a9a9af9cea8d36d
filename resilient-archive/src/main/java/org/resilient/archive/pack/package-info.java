/** Pack files: chunks stored back to back with a self-describing trailer. */
package org.resilient.archive.pack;
