package io.perstack.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.perstack.core.policy.TerminalText;

/**
 * Logging set up in code rather than from {@code logback.xml}: every line goes to stderr (stdout belongs to events
 * and MCP frames), at {@code PERSTACK_LOG_LEVEL} or WARN. Skipping the XML configurator spares each CLI start a few
 * hundred classes of parsing machinery.
 */
public final class StderrLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Line layout = new Line();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("PERSTACK_LOG_LEVEL"), Level.WARN));
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * {@code LEVEL Logger: message}, then the stack trace if there is one. Messages and traces quote skill output,
     * server replies and configuration values, so they are escaped like every other error the CLI prints (SR-40).
     */
    private static final class Line extends LayoutBase<ILoggingEvent> {
        @Override
        public String doLayout(ILoggingEvent event) {
            String name = event.getLoggerName();
            StringBuilder sb = new StringBuilder(128).append(event.getLevel()).append(' ')
                    .append(name.substring(name.lastIndexOf('.') + 1)).append(": ")
                    .append(TerminalText.visible(event.getFormattedMessage())).append('\n');
            if (event.getThrowableProxy() != null) {
                sb.append(TerminalText.visible(ThrowableProxyUtil.asString(event.getThrowableProxy()))).append('\n');
            }
            return sb.toString();
        }
    }
}
