package org.resilient.cli.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.LoggerFactory;

/**
 * The log file of a running node: {@code log/node.log} in its node directory, rolled over daily and when it
 * reaches {@code node.log-file-mib}, into {@code log/node.<date>.<n>.log.gz}; rolled files older than
 * {@code node.log-keep-days} days, or beyond {@code node.log-total-mib} in all, are deleted. The file is made
 * 0600: logs name paths and hosts, and are nobody else's business.
 */
public final class NodeLogFile implements AutoCloseable {
    /** The name of the current log file in the node's {@code log/}. */
    public static final String FILE = "node.log";

    private final RollingFileAppender<ILoggingEvent> appender;

    private NodeLogFile(RollingFileAppender<ILoggingEvent> appender) {
        this.appender = appender;
    }

    /**
     * Starts writing every log line to the node's log file too.
     *
     * @param logDir the node's {@code log/} directory (created if missing)
     * @param fileMib size at which the file is rolled over
     * @param keepDays days of rolled files kept
     * @param totalMib the most MiB of rolled files kept
     * @return the open log file; closing it stops writing to it
     * @throws ResilienceException {@code IO_ERROR} if the directory cannot be made
     */
    public static NodeLogFile open(Path logDir, int fileMib, int keepDays, int totalMib) {
        Path file = logDir.resolve(FILE);
        try {
            Files.createDirectories(logDir);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // appended to
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot create the node's log file " + file + ": " + e
                    + "; check that the node directory is writable by this user", e);
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            // Another logging backend was chosen (-Dslf4j.provider): it logs where it is configured to.
            return new NodeLogFile(null);
        }
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("node-file");
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(logDir.resolve("node.%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(FileSize.valueOf(Math.max(1, fileMib) + "MB"));
        policy.setMaxHistory(Math.max(1, keepDays));
        policy.setTotalSizeCap(FileSize.valueOf(Math.max(1, totalMib) + "MB"));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(LogFormat.encoder(context));
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return new NodeLogFile(appender);
    }

    /** Stops writing to the file (and flushes it). */
    @Override
    public void close() {
        if (appender != null) {
            ((LoggerContext) appender.getContext()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
        }
    }
}
