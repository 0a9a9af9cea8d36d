package org.resilient.support.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * POSIX permissions as the mode bits a manifest records ({@code 0644}) and back: the one conversion the scanner of
 * a backup, the https listing and the test kit share.
 */
public final class PosixModes {
    // Bit 8 (0400) down to bit 0 (0001). Spelled out rather than taken from the enum's order, which the JDK does not
    // promise.
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE,
    };

    private PosixModes() {}

    /**
     * The permission bits of a path, not following links.
     *
     * @param p the path
     * @return bits such as {@code 0644}
     * @throws IOException if its attributes cannot be read
     */
    public static int mode(Path p) throws IOException {
        return bits(Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions());
    }

    /**
     * Converts permissions to bits.
     *
     * @param perms the permissions
     * @return bits such as {@code 0644}
     */
    public static int bits(Set<PosixFilePermission> perms) {
        int m = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (perms.contains(BITS[i])) {
                m |= 1 << (8 - i);
            }
        }
        return m;
    }

    /**
     * Converts bits to permissions; bits above {@code 0777} (set-uid, sticky) are ignored.
     *
     * @param mode bits such as {@code 0644}
     * @return the permissions
     */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(BITS[i]);
            }
        }
        return out;
    }
}
