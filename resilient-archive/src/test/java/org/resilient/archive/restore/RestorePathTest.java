package org.resilient.archive.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

@DisplayName("A restore writes every legal name and nothing outside the restored directory")
class RestorePathTest {
    @Test
    @DisplayName("absolute paths, '.', '..', empty segments and NUL are refused as a damaged generation")
    void leaving() {
        for (String p : List.of("", "/etc/passwd", "../x", "a/../../x", "a/..", ".", "./a", "a//b", "a/", "a\0b")) {
            ResilienceException e = assertThrows(ResilienceException.class, () -> RestoreTarget.checkPath(p), p);
            assertEquals(ErrorCode.ARCHIVE_CORRUPT, e.code(), p);
        }
    }

    @Test
    @DisplayName("backslashes, control characters, drive prefixes, dashes and dot names are accepted")
    void legal() {
        for (String p : List.of("a\\..\\b", "c:", "c:/x", "-rf", "a/\n/b", "\u007f", "...", "..a", ".a/..b", "\\")) {
            RestoreTarget.checkPath(p);
        }
    }
}
