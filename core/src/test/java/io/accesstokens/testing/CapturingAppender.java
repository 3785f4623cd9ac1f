package io.accesstokens.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every log line of the test JVM (the tests' logback-test.xml sends everything, at TRACE,
 * here) so a test can check that no secret was ever logged: the formatted message and every message
 * of the attached exception chain.
 */
public final class CapturingAppender extends AppenderBase<ILoggingEvent> {
  /** Guarded by itself; appends are O(1), unlike a copy-on-write list under TRACE volume. */
  private static final List<String> LINES = new ArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder line =
        new StringBuilder()
            .append(event.getLevel())
            .append(' ')
            .append(event.getLoggerName())
            .append(": ")
            .append(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    synchronized (LINES) {
      LINES.add(line.toString());
    }
  }

  /** Every line captured so far in this JVM. */
  public static List<String> lines() {
    synchronized (LINES) {
      return new ArrayList<>(LINES);
    }
  }

  /** How many lines so far; lines after this index are new. */
  public static int mark() {
    synchronized (LINES) {
      return LINES.size();
    }
  }

  /**
   * Drops the lines from {@code mark} on, for the guard's own test, which logs a value on purpose.
   */
  static void forget(int mark) {
    synchronized (LINES) {
      LINES.subList(Math.min(mark, LINES.size()), LINES.size()).clear();
    }
  }
}
