package org.resilient.https;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.resilient.api.Manifest;
import org.resilient.api.ManifestCodec;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ManifestStream;
import org.resilient.api.NodeLayout;

/**
 * Run by {@link ListingMemoryTest} in a small heap: {@code hold <backup>} reads the backup's MANIFEST whole (what
 * the transport did before), {@code stream <backup> <work>} takes it through every step of a transfer that reads a
 * listing: write it, reconcile a copy with it while copying the files, find every file by path as a receiver of a
 * push does, check it against the MANIFEST and apply its modes and times. Prints {@code ok <files>}.
 */
final class ListingProbe {
    private ListingProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path backup = Path.of(args[1]);
        if (args[0].equals("hold")) {
            Manifest m = ManifestCodec.read(Files.readAllBytes(NodeLayout.manifest(backup)));
            System.out.println("ok " + m.entries().size());
            return;
        }
        Path work = Path.of(args[2]);
        Path listing = work.resolve("listing");
        Listing.spill(backup, listing);
        Path copy = Files.createDirectories(work.resolve("copy"));
        AtomicLong files = new AtomicLong();
        ListedTree.reconcile(copy, listing, (e, p) -> {
            Files.copy(backup.resolve(e.path()), p);
            files.incrementAndGet();
        });
        try (ListingCursor cursor = new ListingCursor(listing); ManifestStream s = Listing.open(listing)) {
            for (ManifestEntry e = s.next(); e != null; e = s.next()) {
                if (cursor.find(e.path()).isEmpty()) {
                    throw new AssertionError(e.path() + " not found");
                }
            }
        }
        Listing.checkAgainstManifest(listing, NodeLayout.manifest(copy));
        Listing.applyMetadata(copy, listing);
        System.out.println("ok " + files.get());
    }
}
