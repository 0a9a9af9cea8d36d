package org.resilient.core.manifest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Walks a tree in manifest order (by the full relative path, as {@link String#compareTo} orders it), one directory at
 * a time, so that memory is bounded by the widest directory (times the depth), never by the size of the tree.
 *
 * <p>Manifest order is not plain depth-first order: {@code a-b} sorts between {@code a} and {@code a/x} ('-' is
 * below '/'). So in each directory a subdirectory {@code a} is listed twice: its own entry under the key
 * {@code a}, its content under the key {@code a/}; sorting these keys with the other names gives the order of the
 * full paths, since no name holds a '/'.
 */
public final class SortedTreeWalk {
    /** Told of each entry, in manifest order. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * One entry of the tree (never its root).
         *
         * @param rel the path relative to the root, with '/' separators
         * @param path the entry
         * @param attrs its attributes, links not followed
         * @throws IOException to stop the walk
         */
        void visit(String rel, Path path, PosixFileAttributes attrs) throws IOException;
    }

    private record Item(String key, Path path, PosixFileAttributes attrs, boolean content) {
    }

    private SortedTreeWalk() {
    }

    /**
     * Walks a tree without following links.
     *
     * @param root the directory whose content is walked
     * @param visitor told of every entry
     * @throws IOException if a directory cannot be listed or an entry's attributes cannot be read
     */
    public static void walk(Path root, Visitor visitor) throws IOException {
        walk(root, "", visitor);
    }

    private static void walk(Path dir, String prefix, Visitor visitor) throws IOException {
        List<Item> items = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                items.add(new Item(name, p, a, false));
                if (a.isDirectory()) {
                    items.add(new Item(name + "/", p, a, true));
                }
            }
        }
        items.sort(Comparator.comparing(Item::key));
        for (Item i : items) {
            if (i.content()) {
                walk(i.path(), prefix + i.key(), visitor);
            } else {
                visitor.visit(prefix + i.key(), i.path(), i.attrs());
            }
        }
    }
}
