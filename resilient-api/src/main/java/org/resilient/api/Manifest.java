package org.resilient.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The list of every file, directory and link of a backup, with sizes, modes and SHA-256 digests, plus
 * what the backup is (id, component, source node, epoch, time). A backup is used only after every byte
 * of it was checked against its manifest.
 *
 * <p>Entries are sorted by path and unique. No entry may lie below a symbolic link entry, so writing a
 * backup out can never follow a link out of the target directory.
 *
 * @param backupId the backup this manifest describes
 * @param component the name of the component that exported it
 * @param sourceNode the name of the exporting node
 * @param epoch the leadership epoch it was exported in
 * @param created when the export started
 * @param entries every entry, sorted by path
 * @param sequence the exporting leader's sequence number of this backup (1, 2, ...; 0 when unknown): backups are
 *     ordered by epoch, then sequence, never by clock time
 */
public record Manifest(BackupId backupId, String component, String sourceNode, Epoch epoch, Instant created,
                       List<ManifestEntry> entries, long sequence) {

    /**
     * A manifest without a sequence number (made outside a leader, e.g. by tests and tools).
     *
     * @param backupId the backup
     * @param component the component's name
     * @param sourceNode the exporting node's name
     * @param epoch the epoch
     * @param created when the export started
     * @param entries every entry
     */
    public Manifest(BackupId backupId, String component, String sourceNode, Epoch epoch, Instant created,
                    List<ManifestEntry> entries) {
        this(backupId, component, sourceNode, epoch, created, entries, 0);
    }

    /**
     * Checks the manifest and freezes the entry list.
     *
     * @throws ResilienceException with {@link ErrorCode#MANIFEST_INVALID} for duplicate paths, entries
     *     below a link or a file, or entries whose parent directory is not listed
     */
    public Manifest {
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(sourceNode, "sourceNode");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(created, "created");
        if (sequence < 0) {
            throw invalid("sequence " + sequence + " is negative");
        }
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        Collections.sort(sorted);
        Map<String, ManifestEntry.Type> types = new HashMap<>();
        for (ManifestEntry e : sorted) {
            if (types.put(e.path(), e.type()) != null) {
                throw invalid("duplicate entry '" + e.path() + "'");
            }
        }
        for (ManifestEntry e : sorted) {
            String parent = e.parent();
            if (!parent.isEmpty()) {
                ManifestEntry.Type parentType = types.get(parent);
                if (parentType == null) {
                    throw invalid("entry '" + e.path() + "' has no directory entry for '" + parent + "'");
                }
                if (parentType != ManifestEntry.Type.DIRECTORY) {
                    throw invalid("entry '" + e.path() + "' lies below a " + parentType.name().toLowerCase(Locale.ROOT)
                            + "; it would escape the backup directory");
                }
            }
        }
        entries = List.copyOf(sorted);
    }

    /**
     * Finds an entry by path.
     *
     * @param path relative path
     * @return the entry, if listed
     */
    public Optional<ManifestEntry> entry(String path) {
        return entries.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /**
     * The sum of the sizes of all files.
     *
     * @return bytes
     */
    public long totalSize() {
        return entries.stream().mapToLong(ManifestEntry::size).sum();
    }

    /**
     * The number of regular files.
     *
     * @return the count
     */
    public long fileCount() {
        return entries.stream().filter(e -> e.type() == ManifestEntry.Type.FILE).count();
    }

    /**
     * The SHA-256 of every file by its path in the backup directory ({@code data/...}, see {@link NodeLayout#DATA}):
     * what {@link StoreRequest#verifiedDigests()} takes, so that an archive need not read a checked file again.
     *
     * @return hex digests by path
     */
    public Map<String, String> fileDigests() {
        Map<String, String> out = new HashMap<>();
        for (ManifestEntry e : entries) {
            if (e.type() == ManifestEntry.Type.FILE) {
                out.put(NodeLayout.DATA + "/" + e.path(), e.sha256());
            }
        }
        return out;
    }

    private static ResilienceException invalid(String why) {
        return new ResilienceException(ErrorCode.MANIFEST_INVALID,
                "manifest refused: " + why + ". The backup is damaged or forged; do not import it.");
    }
}
