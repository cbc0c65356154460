package dev.croupier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** {@code --log-format json}: one JSON object a line on stderr, the MDC included. */
class LogFormatOptionTest {

  @Test
  void json_printsOneObjectPerLine_withTheMdc_andStackTracesInside() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> text = root.getAppender(LogFormatOption.APPENDER);
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LogFormatOption.useJson();
      org.slf4j.Logger log = LoggerFactory.getLogger("croupier.test");
      try (MDC.MDCCloseable t = MDC.putCloseable("tenant", "acme");
           MDC.MDCCloseable f = MDC.putCloseable("function", "send-email");
           MDC.MDCCloseable j = MDC.putCloseable("job", "job-1")) {
        log.warn("handler of {} failed", "send-email", new IllegalStateException("boom\nsecond line"));
      }
      log.error("plain \"quoted\" line"); // the tests' logback configuration logs WARN and up
    } finally {
      System.setErr(stderr);
      Appender<ILoggingEvent> json = root.getAppender(LogFormatOption.APPENDER);
      root.detachAppender(json);
      json.stop();
      if (text != null) {
        root.addAppender(text);
      }
    }

    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.size()).as("lines on stderr").isEqualTo(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode failure = json.readTree(lines.get(0));
    assertThat(failure.get("level").asText()).isEqualTo("WARN");
    assertThat(failure.get("loggerName").asText()).isEqualTo("croupier.test");
    assertThat(failure.get("formattedMessage").asText()).isEqualTo("handler of send-email failed");
    assertThat(failure.get("mdc").get("tenant").asText()).isEqualTo("acme");
    assertThat(failure.get("mdc").get("function").asText()).isEqualTo("send-email");
    assertThat(failure.get("mdc").get("job").asText()).isEqualTo("job-1");
    assertThat(failure.get("throwable").toString()).contains("boom");
    JsonNode plain = json.readTree(lines.get(1));
    assertThat(plain.get("formattedMessage").asText()).isEqualTo("plain \"quoted\" line");
  }
}
