package org.resilient.core.archive.copy;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.resilient.api.Cancellation;
import org.resilient.api.Damage;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.ManifestCodec;
import org.resilient.support.hash.Sha256;
import org.resilient.core.manifest.Signature;
import org.resilient.api.NodeLayout;

/**
 * Checks one stored backup directory against its MANIFEST and SIGNATURE and the manifest digest recorded for
 * its generation, returning each problem as a {@link Damage} naming the generation and the file. Structure
 * checks compare what exists and the sizes; data checks also re-hash every file. Nothing is modified.
 *
 * @param generationId the generation, named in each damage
 * @param backupDir its stored backup directory
 * @param expectedDigest the manifest digest recorded for it
 */
record GenerationChecker(String generationId, Path backupDir, String expectedDigest) {
    /**
     * What a check found.
     *
     * @param damages the problems, by file
     * @param bytesRead how many bytes were read
     */
    record Result(List<Damage> damages, long bytesRead) {
    }

    Result check(boolean readData, ProgressListener progress, Cancellation cancellation) {
        List<Damage> damages = Collections.synchronizedList(new ArrayList<>());
        AtomicLong read = new AtomicLong();
        Path manifestFile = backupDir.resolve(NodeLayout.MANIFEST);
        Path signatureFile = backupDir.resolve(NodeLayout.SIGNATURE);
        if (!Files.isDirectory(backupDir, LinkOption.NOFOLLOW_LINKS)) {
            damages.add(damage(null, "the stored backup directory " + backupDir + " is missing"));
            return new Result(damages, 0);
        }
        byte[] manifestBytes = readFile(manifestFile, damages, read);
        byte[] signatureBytes = readFile(signatureFile, damages, read);
        if (manifestBytes == null) {
            return new Result(damages, read.get());
        }
        String digest = Sha256.of(manifestBytes);
        if (!digest.equals(expectedDigest)) {
            damages.add(damage(NodeLayout.MANIFEST, "changed: its SHA-256 differs from the one recorded when the "
                    + "generation was stored"));
        }
        Map<String, String> signature = null;
        if (signatureBytes != null) {
            try {
                signature = Signature.read(signatureBytes);
                if (!digest.equals(signature.get(NodeLayout.MANIFEST))) {
                    damages.add(damage(NodeLayout.SIGNATURE, "does not hold the MANIFEST's digest"));
                }
            } catch (ResilienceException e) {
                damages.add(damage(NodeLayout.SIGNATURE, e.getMessage()));
            }
        }
        Manifest manifest;
        try {
            manifest = ManifestCodec.read(manifestBytes);
        } catch (ResilienceException e) {
            damages.add(damage(NodeLayout.MANIFEST, e.getMessage()));
            return new Result(damages, read.get());
        }
        Path data = NodeLayout.data(backupDir);
        Set<String> listed = new HashSet<>();
        List<ManifestEntry> files = new ArrayList<>();
        long total = 0;
        for (ManifestEntry e : manifest.entries()) {
            listed.add(e.path());
            String where = NodeLayout.DATA + "/" + e.path();
            if (signature != null && e.type() == ManifestEntry.Type.FILE && !e.sha256().equals(signature.get(where))) {
                damages.add(damage(NodeLayout.SIGNATURE, "disagrees with MANIFEST on " + where));
            }
            checkEntry(data.resolve(e.path()), e, where, damages, files);
            if (e.type() == ManifestEntry.Type.FILE) {
                total += e.size();
            }
        }
        findAdded(data, listed, damages);
        if (readData) {
            long all = total;
            AtomicLong done = new AtomicLong();
            files.parallelStream().forEach(e -> {
                cancellation.throwIfCancelled("verify of generation " + generationId);
                String where = NodeLayout.DATA + "/" + e.path();
                try {
                    if (!Sha256.of(data.resolve(e.path())).equals(e.sha256())) {
                        damages.add(damage(where, "content changed: its SHA-256 differs from the MANIFEST's"));
                    }
                    read.addAndGet(e.size());
                } catch (IOException ex) {
                    damages.add(damage(where, "cannot be read: " + ex));
                }
                progress.progress("verify", done.addAndGet(e.size()), all, "bytes");
            });
        }
        List<Damage> sorted = new ArrayList<>(damages);
        sorted.sort((a, b) -> String.valueOf(a.path()).compareTo(String.valueOf(b.path())));
        return new Result(sorted, read.get());
    }

    /** Checks that an entry exists with the right type, size and link target; collects files whose size is right. */
    private void checkEntry(Path p, ManifestEntry e, String where, List<Damage> damages, List<ManifestEntry> files) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException ex) {
            damages.add(damage(where, "is missing"));
            return;
        }
        switch (e.type()) {
            case DIRECTORY -> {
                if (!a.isDirectory()) {
                    damages.add(damage(where, "is not a directory"));
                }
            }
            case SYMLINK -> {
                try {
                    if (!a.isSymbolicLink()) {
                        damages.add(damage(where, "is not a symbolic link"));
                    } else if (!Files.readSymbolicLink(p).toString().equals(e.linkTarget())) {
                        damages.add(damage(where, "points to " + Files.readSymbolicLink(p) + ", expected "
                                + e.linkTarget()));
                    }
                } catch (IOException ex) {
                    damages.add(damage(where, "cannot be read: " + ex));
                }
            }
            case FILE -> {
                if (!a.isRegularFile()) {
                    damages.add(damage(where, "is not a regular file"));
                } else if (a.size() != e.size()) {
                    damages.add(damage(where, "has " + a.size() + " bytes, expected " + e.size()
                            + (a.size() < e.size() ? " (truncated)" : " (grown)")));
                } else {
                    files.add(e);
                }
            }
        }
    }

    private void findAdded(Path data, Set<String> listed, List<Damage> damages) {
        if (!Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
            damages.add(damage(NodeLayout.DATA, "is missing"));
            return;
        }
        try {
            Files.walkFileTree(data, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    return dir.equals(data) || note(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    note(file);
                    return FileVisitResult.CONTINUE;
                }

                private boolean note(Path p) {
                    String rel = data.relativize(p).toString();
                    if (!listed.contains(rel)) {
                        damages.add(damage(NodeLayout.DATA + "/" + rel, "was added (not in MANIFEST)"));
                        return false;
                    }
                    return true;
                }
            });
            try (Stream<Path> s = Files.list(backupDir)) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> !n.equals(NodeLayout.MANIFEST) && !n.equals(NodeLayout.SIGNATURE)
                                && !n.equals(NodeLayout.DATA) && !n.equals(NodeLayout.MANIFEST_SIGNATURE))
                        .forEach(n -> damages.add(damage(n, "was added (not part of a backup)")));
            }
        } catch (IOException e) {
            damages.add(damage(NodeLayout.DATA, "cannot be listed: " + e));
        }
    }

    private byte[] readFile(Path f, List<Damage> damages, AtomicLong read) {
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                damages.add(damage(f.getFileName().toString(), "is missing"));
                return null;
            }
            byte[] b = Files.readAllBytes(f);
            read.addAndGet(b.length);
            return b;
        } catch (IOException e) {
            damages.add(damage(f.getFileName().toString(), "cannot be read: " + e));
            return null;
        }
    }

    private Damage damage(String path, String description) {
        return new Damage(generationId, path, -1, null, description);
    }
}
