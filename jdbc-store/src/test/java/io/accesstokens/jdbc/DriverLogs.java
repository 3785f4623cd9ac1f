package io.accesstokens.jdbc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.accesstokens.CopyPolicy;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;

/**
 * What a JDBC driver logs about one lookup when its logging is turned up, captured apart from the
 * test run's own log (which the leak guard scans): the list of driver loggers to keep quiet is what
 * the {@code *DriverTraceTest}s show, and the digest they make the drivers log on purpose must not
 * fail the run.
 */
final class DriverLogs {
  private DriverLogs() {}

  /**
   * The hex text of the lookup digest of a new token's value, after one validation on {@code store}
   * looked it up.
   */
  static String lookUpANewToken(JdbcTokenStore store) {
    TokenService service = Nodes.service(store, CopyPolicy.digestOnly());
    IssuedToken issued =
        Fixtures.create(service, Fixtures.ACME, Fixtures.PROD, null, Fixtures.ALICE);
    try (TokenValidator validator = TokenValidator.builder(service).build()) {
      validator.validate(
          issued.value().reveal(), Scope.EDI, Fixtures.ACME, Fixtures.PROD); // a miss: one lookup
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(issued.value().reveal().getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What was logged through SLF4J under {@code loggerName} at {@code level} while {@code lookup}
   * ran.
   */
  static Captured slf4j(String loggerName, Level level, Function<Void, String> lookup) {
    Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.setLevel(level);
    logger.setAdditive(false); // nothing of it reaches the run's capturing appender
    logger.addAppender(appender);
    String digestHex;
    try {
      digestHex = lookup.apply(null);
    } finally {
      logger.detachAppender(appender);
      logger.setAdditive(true);
      logger.setLevel(before);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : appender.list) {
      lines.add(
          event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage());
    }
    return new Captured(digestHex, lines);
  }

  /**
   * What was logged through java.util.logging under {@code loggerName} at {@code level} while
   * {@code lookup} ran.
   */
  static Captured jul(
      String loggerName, java.util.logging.Level level, Function<Void, String> lookup) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(loggerName);
    List<String> lines = new ArrayList<>();
    SimpleFormatter formatter = new SimpleFormatter();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (lines) {
              lines.add(
                  record.getLevel()
                      + " "
                      + record.getLoggerName()
                      + ": "
                      + formatter.formatMessage(record));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(java.util.logging.Level.ALL);
    java.util.logging.Level before = logger.getLevel();
    logger.setLevel(level);
    logger.setUseParentHandlers(false);
    logger.addHandler(handler);
    String digestHex;
    try {
      digestHex = lookup.apply(null);
    } finally {
      logger.removeHandler(handler);
      logger.setUseParentHandlers(true);
      logger.setLevel(before);
    }
    synchronized (lines) {
      return new Captured(digestHex, List.copyOf(lines));
    }
  }

  /** Captured lines and the digest of the value looked up meanwhile. */
  record Captured(String digestHex, List<String> lines) {
    /** The lines that hold the digest in hex, in either case, bytes run together or spaced out. */
    List<String> linesWithTheDigest() {
      String wanted = digestHex.substring(0, 24).toUpperCase(Locale.ROOT);
      return lines.stream().filter(line -> line.toUpperCase(Locale.ROOT).contains(wanted)).toList();
    }

    /**
     * Whether 12 bytes in a row of the digest are in a hex dump of packets ({@code |000180| 20 27
     * D1 B0 ... | ascii |}), reading the bytes of every dump row in order. Twelve, not all 32: a
     * driver that inlines parameters escapes quotes and backslashes in them, which would break a
     * longer match.
     */
    boolean dumpsTheDigest() {
      StringBuilder bytes = new StringBuilder();
      for (String line : lines) {
        for (String row : line.split("\n")) {
          String[] cells = row.split("\\|");
          if (cells.length >= 3 && cells[1].matches("[0-9a-fA-F]{6}")) {
            bytes.append(cells[2].replace(" ", ""));
          }
        }
      }
      String dumped = bytes.toString().toUpperCase(Locale.ROOT);
      String digest = digestHex.toUpperCase(Locale.ROOT);
      for (int at = 0; at + 24 <= digest.length(); at += 2) {
        if (dumped.contains(digest.substring(at, at + 24))) {
          return true;
        }
      }
      return false;
    }
  }
}
