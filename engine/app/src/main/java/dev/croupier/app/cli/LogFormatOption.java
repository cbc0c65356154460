package dev.croupier.app.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The {@code --log-format} option of the long-running commands: {@code text} (the pattern in
 * logback.xml) or {@code json}, one JSON object a line on stderr from Logback's own
 * {@link JsonEncoder}: timestamp, level, thread, logger, message, the MDC (a job's tenant, function
 * and job id when a handler fails) and any throwable, for log collectors that parse lines.
 */
public final class LogFormatOption {

  /** The two formats. */
  public enum LogFormat { text, json }

  /** The appender logback.xml defines. */
  static final String APPENDER = "STDERR";

  @Option(names = "--log-format", paramLabel = "FORMAT",
      defaultValue = "${env:CROUPIER_LOG_FORMAT:-text}",
      description = "text or json (one object a line, with the MDC); default: $CROUPIER_LOG_FORMAT,"
          + " else ${DEFAULT-VALUE}")
  LogFormat format = LogFormat.text;

  /** Switches the log output to the chosen format (text leaves logback.xml's as it is). */
  public void apply() {
    if (format == LogFormat.json) {
      useJson();
    }
  }

  /** Replaces the stderr appender's pattern encoder with a JSON one. */
  static void useJson() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J backend: its own configuration decides
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false); // the formatted message instead of the template and arguments
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(APPENDER);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.core.Appender<ILoggingEvent> old = root.getAppender(APPENDER);
    root.addAppender(appender);
    if (old != null) {
      root.detachAppender(old);
      old.stop();
    }
  }
}
