package org.resilient.cli.log;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.net.URISyntaxException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the log's layout is the one place log lines lose the user information of locations")
class LogFormatRedactionTest {
    private static final String PASSWORD = "Pw4LogLineZ9";

    @Test
    @DisplayName("a log line and its stack trace show locations without user information")
    void inLogLines() {
        LoggerContext context = new LoggerContext();
        LogFormat layout = new LogFormat();
        layout.setContext(context);
        layout.start();
        // A cause not built by this project's code: the JDK's URISyntaxException quotes its input.
        LoggingEvent event = new LoggingEvent("test", context.getLogger("test"), Level.WARN, "cannot reach {}",
                new URISyntaxException("s3://kit:" + PASSWORD + "@bucket/x y", "Illegal character"),
                new Object[] {"https://kit:" + PASSWORD + "@node:7000/inbox"});
        event.setMDCPropertyMap(java.util.Map.of());
        String line = layout.doLayout(event);
        assertFalse(line.contains(PASSWORD), line);
        assertTrue(line.contains("https://****@node:7000/inbox") && line.contains("s3://****@bucket"), line);
    }
}
