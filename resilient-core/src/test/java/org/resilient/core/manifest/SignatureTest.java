package org.resilient.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

@DisplayName("Signature")
class SignatureTest {
    private static final String SHA = "a".repeat(64);

    @Test
    @DisplayName("SIGNATURE round-trips and refuses unsafe paths and malformed lines")
    void signature() {
        Map<String, String> sig = new LinkedHashMap<>();
        sig.put("MANIFEST", SHA);
        sig.put("data/dir/a.txt", "b".repeat(64));
        assertEquals(sig, Signature.read(Signature.write(sig)));
        for (String bad : List.of(SHA + "  ../x\n", SHA + "  /etc/passwd\n", "zz  MANIFEST\n", SHA + " MANIFEST\n",
                SHA + "  MANIFEST\n" + SHA + "  MANIFEST\n")) {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> Signature.read(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), bad);
        }
    }
}
