package io.accesstokens.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every log line of the test JVM (the tests' logback-test.xml sends everything, at TRACE, here)
 * so a test can check that no secret was ever logged: the formatted message and every message of the
 * attached exception chain.
 */
public final class CapturingAppender extends AppenderBase<ILoggingEvent> {
  private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder line = new StringBuilder()
        .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ")
        .append(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    LINES.add(line.toString());
  }

  /** Every line captured so far in this JVM. */
  public static List<String> lines() {
    return new ArrayList<>(LINES);
  }

  /** How many lines so far; lines after this index are new. */
  public static int mark() {
    return LINES.size();
  }
}
