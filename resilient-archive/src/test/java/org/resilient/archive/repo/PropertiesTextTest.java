package org.resilient.archive.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PropertiesTextTest {

    @Test
    void everyValueReadsBackUnchangedThroughProperties() throws Exception {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("id", "20261125T235146.331Z-95e23ec5");
        pairs.put("empty", "");
        pairs.put("spaces", "  leading and trailing  ");
        pairs.put("key with = and : and space", "value = with : # ! signs");
        pairs.put("#comment-like", "!also");
        pairs.put("controls", "tab\there\nnew line\rreturn\fform\u0001\u007f");
        pairs.put("backslash", "C:\\path\\u0041 not an escape");
        pairs.put("unicode", "nœud-été ☃ \uD83D\uDE00");
        Properties p = new Properties();
        p.load(new StringReader(PropertiesText.format(pairs)));
        assertEquals(pairs.size(), p.size());
        pairs.forEach((k, v) -> assertEquals(v, p.getProperty(k), k));
    }

    @Test
    void pairsComeOutInTheOrderGivenWithNothingElse() {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("b", "2");
        pairs.put("a", "1");
        assertEquals("b=2\na=1\n", PropertiesText.format(pairs));
    }
}
