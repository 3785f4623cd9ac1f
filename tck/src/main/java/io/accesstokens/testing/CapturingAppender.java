package io.accesstokens.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Keeps every log line of the test JVM so a test can check that no secret was ever logged: the
 * formatted message and every message of the attached exception chain. A logback configuration may
 * declare it on the root logger at TRACE (this project's {@code logback-test.xml} files do, to set
 * the drivers' levels beside it); otherwise {@link SecretLeakGuard#startCapture()} adds it.
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

  /**
   * Puts a capturing appender on logback's root logger unless one is there, and then lowers the
   * root to TRACE; the root's other appenders get a threshold at the root's former level, so their
   * output stays as configured. Loggers given a level of their own keep it.
   */
  static synchronized void attachToRootLogger() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> others = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> appender = it.next();
      if (appender instanceof CapturingAppender) {
        return;
      }
      others.add(appender);
    }
    Level former = root.getLevel();
    for (Appender<ILoggingEvent> appender : others) {
      ThresholdFilter threshold = new ThresholdFilter();
      threshold.setLevel(former.toString());
      threshold.start();
      appender.addFilter(threshold);
    }
    CapturingAppender capture = new CapturingAppender();
    capture.setContext(context);
    capture.setName("ACCESS_TOKENS_TCK_CAPTURE");
    capture.start();
    root.addAppender(capture);
    root.setLevel(Level.TRACE);
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
