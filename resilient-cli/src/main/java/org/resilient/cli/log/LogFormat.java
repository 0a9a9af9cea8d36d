package org.resilient.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.resilient.api.ResilienceException;

/**
 * The one format of the command's log lines: time, level, thread, logger, then {@code backup=<id>} when a
 * backup's step logs (the MDC key {@code backup}, see {@code org.resilient.core.node.BackupMdc}), then the
 * message and any stack trace:
 *
 * <pre>2026-11-25T10:00:01.234+01:00 INFO  [resilient-db0] org.resilient.node.db0.export backup=20261125T090000.000Z-db0 - published ...</pre>
 *
 * Lines without a backup have no {@code backup=} field, so {@code grep backup=<id>} finds exactly that backup's
 * lines on every node. Written in code rather than as a logback pattern: the pattern machinery's start-up (some
 * fifty converter classes and their lambdas) cost every short command about 0.15 CPU-seconds.
 */
final class LogFormat extends LayoutBase<ILoggingEvent> {
    /** The system property naming the level ({@code debug}, {@code info}, {@code warn}, {@code error}); default info. */
    static final String LEVEL_PROPERTY = "resilient.log.level";
    /** The MDC key of the backup id. */
    static final String BACKUP = "backup";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
        String level = event.getLevel().toString();
        line.append(' ').append(level).append("     ", 0, Math.max(1, 6 - level.length()));
        line.append('[').append(event.getThreadName()).append("] ").append(event.getLoggerName()).append(' ');
        String backup = event.getMDCPropertyMap().get(BACKUP);
        if (backup != null) {
            line.append("backup=").append(backup).append(' ');
        }
        // Locations lose their user information (a password, maybe) here, the one place every log line passes.
        line.append("- ").append(ResilienceException.redactLocations(event.getFormattedMessage()))
                .append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            // A cause's message (a URISyntaxException quoting its input) is not built by this project's code.
            line.append(ResilienceException.redactLocations(ThrowableProxyUtil.asString(thrown)))
                    .append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }

    static LayoutWrappingEncoder<ILoggingEvent> encoder(Context context) {
        LogFormat layout = new LogFormat();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    static Level level() {
        return Level.toLevel(System.getProperty(LEVEL_PROPERTY, "info"), Level.INFO);
    }
}
