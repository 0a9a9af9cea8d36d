package org.resilient.archive.store;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.resilient.archive.tree.TreeEntry;

/**
 * One entry of the directory being stored, as found by walking it without following links ({@link SourceWalk}).
 *
 * @param file the absolute path
 * @param path the path relative to the stored directory, {@code /}-separated
 * @param type the type
 * @param mode the mode bits
 * @param mtime the modification time
 * @param size the size of a file
 * @param linkTarget the target of a link
 * @param stat the file's inode and change time, for the files cache; null for other entries, and for a file
 *             changed too recently for them to tell a later change (see {@link SourceWalk})
 */
public record SourceEntry(Path file, String path, TreeEntry.Type type, int mode, FileTime mtime, long size,
                          String linkTarget, TreeEntry.Stat stat) {
}
