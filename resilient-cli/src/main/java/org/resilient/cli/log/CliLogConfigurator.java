package org.resilient.cli.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Configures logback for every command, found by logback through {@code META-INF/services}: log lines at the
 * level of {@code -Dresilient.log.level} (default info) go to stderr, never to stdout (which scripts parse). Set
 * {@code -Dlogback.configurationFile=FILE} to use a logback configuration of your own instead.
 */
public final class CliLogConfigurator extends ContextAwareBase implements Configurator {
    /** Made by logback. */
    public CliLogConfigurator() {
        // logback instantiates configurators by their public no-argument constructor
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(LogFormat.encoder(context));
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(LogFormat.level());
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
