package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.accesstokens.testing.SecretLeakGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * H2 logs through SLF4J only when the URL sets {@code TRACE_LEVEL_FILE=4}, under the logger {@code
 * h2database}: then every statement with its parameters at INFO (the lookup's digest among them)
 * and every JDBC call at DEBUG; at WARN, neither. Without that setting it logs nothing through
 * SLF4J, whatever the level (docs/jdbc-store.md, "Drivers' own logs").
 */
@ExtendWith(SecretLeakGuard.class)
class H2DriverTraceTest {

  private static String lookUpOn(String url) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(url);
    JdbcTokenStore store = JdbcTokenStore.builder(dataSource).tablePrefix("trace_").build();
    store.migrate();
    try {
      return DriverLogs.lookUpANewToken(store);
    } finally {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * What {@code logger} logs at {@code level} and above while a lookup runs on a database at {@code
   * url}.
   */
  private static DriverLogs.Captured logsOf(String logger, Level level, String url) {
    return DriverLogs.slf4j(logger, level, x -> lookUpOn(url));
  }

  /**
   * What the {@code h2database} logger logs at {@code level} and above while a lookup runs on the
   * in-memory database {@code name} opened with {@code TRACE_LEVEL_FILE=4}.
   */
  private static DriverLogs.Captured h2databaseLogsWithTraceLevelFile4(Level level, String name) {
    return logsOf(
        "h2database", level, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;TRACE_LEVEL_FILE=4");
  }

  @Test
  void withTraceLevelFile4_h2databaseLogsTheLookupDigest_atInfo() {
    DriverLogs.Captured log = h2databaseLogsWithTraceLevelFile4(Level.INFO, "trace-info");

    assertThat(log.linesWithTheDigest())
        .isNotEmpty()
        .allSatisfy(
            line ->
                assertThat(line)
                    .startsWith("INFO h2database: ")
                    .contains("X'" + log.digestHex() + "'"));
  }

  @Test
  void withTraceLevelFile4_h2databaseLogsItAtDebugToo_butNotAtWarn() {
    DriverLogs.Captured debug = h2databaseLogsWithTraceLevelFile4(Level.DEBUG, "trace-debug");
    DriverLogs.Captured warn = h2databaseLogsWithTraceLevelFile4(Level.WARN, "trace-warn");

    assertThat(debug.linesWithTheDigest())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("DEBUG h2database: ")
                    .contains(
                        "setBytes(1, org.h2.util.StringUtils.convertHexToBytes(\""
                            + debug.digestHex()
                            + "\"))"));
    assertThat(warn.linesWithTheDigest()).isEmpty();
  }

  @Test
  void withoutIt_nothingIsLoggedThroughSlf4j_evenAtTrace() {
    DriverLogs.Captured h2database =
        logsOf("h2database", Level.TRACE, "jdbc:h2:mem:trace-default;DB_CLOSE_DELAY=-1");
    DriverLogs.Captured orgH2 =
        logsOf("org.h2", Level.TRACE, "jdbc:h2:mem:trace-default-2;DB_CLOSE_DELAY=-1");

    assertThat(h2database.lines()).isEmpty();
    assertThat(orgH2.lines()).isEmpty();
  }
}
