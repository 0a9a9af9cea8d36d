package org.resilient.https;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;

/**
 * Makes a directory tree exactly what a listing describes, reading the listing entry by entry: what the listing
 * lacks, or holds as another type, is removed; its directories and links are made; each listed file is handed to
 * the caller (who fetches or checks it). Only the names listed in the directories whose entries may still come are
 * held (a listing is sorted by path, so a directory's entries end at a known point), never the whole listing.
 */
final class ListedTree {
    /** What is done with each listed file. */
    interface FileStep {
        /**
         * One listed file.
         *
         * @param e its entry
         * @param p where it is (or belongs) in the tree
         * @throws IOException if handling it fails
         */
        void file(ManifestEntry e, Path p) throws IOException;
    }

    private ListedTree() {
    }

    /**
     * Reconciles {@code root} with a listing.
     *
     * @param root the tree (it exists and is writable)
     * @param listing the listing file
     * @param files what to do with each listed file, in listing order
     * @throws IOException if the tree cannot be read or changed
     */
    static void reconcile(Path root, Path listing, FileStep files) throws IOException {
        TreeMap<String, Set<String>> open = new TreeMap<>();
        open.put("", new HashSet<>());
        try (ManifestStream s = Listing.open(listing)) {
            for (ManifestEntry e = s.next(); e != null; e = s.next()) {
                close(root, open, e.path());
                Set<String> siblings = open.get(e.parent().isEmpty() ? "" : e.parent() + "/");
                if (siblings != null) {
                    siblings.add(e.path().substring(e.path().lastIndexOf('/') + 1));
                }
                Path p = root.resolve(e.path());
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !sameType(p, e)) {
                    Fs.deleteTree(p);
                }
                switch (e.type()) {
                    case DIRECTORY -> {
                        Files.createDirectories(p);
                        open.put(e.path() + "/", new HashSet<>());
                    }
                    case SYMLINK -> {
                        if (!Files.isSymbolicLink(p)) {
                            Files.createSymbolicLink(p, p.getFileSystem().getPath(e.linkTarget()));
                        }
                    }
                    case FILE -> files.file(e, p);
                }
            }
        }
        close(root, open, null);
    }

    /** Removes the unlisted entries of the directories whose block of entries ended before {@code next}. */
    private static void close(Path root, TreeMap<String, Set<String>> open, String next) throws IOException {
        for (Map.Entry<String, Set<String>> d = open.lastEntry(); d != null; d = open.lowerEntry(d.getKey())) {
            if (next != null && (next.startsWith(d.getKey()) || next.compareTo(d.getKey()) < 0)) {
                continue;
            }
            open.remove(d.getKey());
            Path dir = d.getKey().isEmpty() ? root : root.resolve(d.getKey().substring(0, d.getKey().length() - 1));
            Set<String> listed = d.getValue();
            List<Path> extra = new ArrayList<>();
            try (Stream<Path> children = Files.list(dir)) {
                children.filter(c -> !listed.contains(c.getFileName().toString())).forEach(extra::add);
            }
            for (Path p : extra) {
                Fs.deleteTree(p);
            }
        }
    }

    private static boolean sameType(Path p, ManifestEntry e) {
        try {
            return switch (e.type()) {
                case DIRECTORY -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                case FILE -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                case SYMLINK -> Files.isSymbolicLink(p) && Files.readSymbolicLink(p).toString().equals(e.linkTarget());
            };
        } catch (IOException x) {
            return false;
        }
    }
}
