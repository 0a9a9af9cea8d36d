package org.resilient.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.resilient.api.ImportContext;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.Importer;
import org.resilient.core.fs.DirectorySwap;
import org.resilient.core.fs.TreeCopy;

/**
 * The {@code files} component under the name {@code killing-files}, whose import can be "killed" at a chosen
 * point: the process's death is simulated by an {@link Error} (no step code catches it, so nothing after that
 * point runs, as after {@code kill -9}).
 */
public class KillingFilesComponent extends FilesComponentWrapper {
    /** Where the next import dies. */
    public enum Point {
        /** Not at all. */
        NONE,
        /** Between the swap's two renames: the standby moved aside, the new copy staged but not in place. */
        BETWEEN_RENAMES,
        /** After the swap, before the node writes its import state. */
        AFTER_SWAP
    }

    /** The simulated death. */
    public static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed(Point p) {
            super("simulated kill -9 at " + p);
        }
    }

    /** Where the next import dies; reset to NONE when it does. */
    public static volatile Point KILL_AT = Point.NONE;


    @Override
    public String name() {
        return "killing-files";
    }

    @Override
    public String description() {
        return "the files component, killed at a chosen point of its import (tests)";
    }

    @Override
    public Importer importer(Settings settings) {
        Importer real = files.importer(settings);
        DirectorySwap swap = new DirectorySwap(FilesSettings.TARGET.require(settings));
        return new Importer() {
            @Override
            public void importBackup(ImportContext context) {
                Point p = KILL_AT;
                KILL_AT = Point.NONE;
                switch (p) {
                    case AFTER_SWAP -> {
                        real.importBackup(context);
                        throw new Killed(p);
                    }
                    case BETWEEN_RENAMES -> {
                        // What DirectorySwap.swap leaves after its first rename: the new copy staged, the standby
                        // moved to its old-copy name, nothing at the standby's name.
                        String id = context.backupId().value();
                        TreeCopy.from(context.directory()).copyTo(swap.staging(id));
                        Path target = swap.target();
                        try {
                            Files.move(target, target.resolveSibling("." + target.getFileName() + ".old-" + id));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        throw new Killed(p);
                    }
                    default -> real.importBackup(context);
                }
            }

            @Override
            public void promote(RoleChangeContext context) {
                real.promote(context);
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }
}
