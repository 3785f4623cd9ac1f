package io.accesstokens.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider that keeps every WARN and ERROR line (formatted) and drops the rest, so a
 * measurement run as a main class can say whether the library warned, from the log itself rather
 * than by re-deriving the condition. Installed by {@link #install()} through SLF4J's {@code
 * slf4j.provider} property, so it never replaces the jar's silent binding anywhere else (the JMH
 * benchmarks, the smoke test). The library never logs a secret, so keeping the lines is safe.
 */
public final class WarnLog implements SLF4JServiceProvider {
  private static final List<String> LINES = new CopyOnWriteArrayList<>();

  private final ILoggerFactory loggers = Kept::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  /** Makes this the SLF4J provider; call before the first logger is created. */
  static void install() {
    System.setProperty("slf4j.provider", WarnLog.class.getName());
  }

  /** Forgets the lines kept so far. */
  static void clear() {
    LINES.clear();
  }

  /** The lines kept since the last {@link #clear()} that contain {@code text}. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String line : LINES) {
      if (line.contains(text)) {
        out.add(line);
      }
    }
    return out;
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /** A logger that keeps WARN and ERROR lines, prefixed with the level and the logger's name. */
  private static final class Kept extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    Kept(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return false;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected @Nullable String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level,
        @Nullable Marker marker,
        String messagePattern,
        @Nullable Object[] arguments,
        @Nullable Throwable throwable) {
      LINES.add(
          level + " " + name + " " + MessageFormatter.basicArrayFormat(messagePattern, arguments));
    }
  }

  /** For SLF4J, which instantiates the provider by its class name. */
  public WarnLog() {}
}
