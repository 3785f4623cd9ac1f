package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.AccessTokenException;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import io.accesstokens.jdbc.internal.Dialect;
import io.accesstokens.jdbc.internal.SqlErrors;
import io.accesstokens.jdbc.internal.SqlErrors.Kind;
import io.accesstokens.testing.SecretLeakGuard;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The translation table, with the SQLStates and vendor codes the three databases really use, each
 * read as the database that uses it does (a dialect knows its own codes). The database tests
 * provoke the common ones for real (duplicates, 40001, 1020, timeouts, refused connections); this
 * names every row.
 */
@ExtendWith(SecretLeakGuard.class)
class SqlErrorsTest {
  private static final Dialect POSTGRESQL = JdbcDialect.POSTGRESQL.internal();
  private static final Dialect MARIADB = JdbcDialect.MARIADB.internal();

  @ParameterizedTest(name = "{0}: SQLState {1}, vendor code {2} is {3}")
  @CsvSource({
    "POSTGRESQL, 23505, 0, CONSTRAINT", // PostgreSQL and H2: unique violation
    "H2, 23505, 0, CONSTRAINT",
    "MARIADB, 23000, 1062, CONSTRAINT", // MariaDB: duplicate entry
    "POSTGRESQL, 40001, 0, CONFLICT", // serialization failure
    "POSTGRESQL, 40P01, 0, CONFLICT", // PostgreSQL: deadlock detected
    "MARIADB, 40001, 1213, CONFLICT", // MariaDB: deadlock
    "MARIADB, HY000, 1020, CONFLICT", // MariaDB: record has changed since last read (snapshot
    // isolation)
    "H2, 90131, 90131, CONFLICT", // H2: concurrent update
    "POSTGRESQL, 08006, 0, UNAVAILABLE", // connection failure
    "MARIADB, 08001, 0, UNAVAILABLE", // cannot connect
    "POSTGRESQL, 57014, 0, UNAVAILABLE", // PostgreSQL: query canceled (statement timeout)
    "POSTGRESQL, 57P01, 0, UNAVAILABLE", // PostgreSQL: admin shutdown
    "POSTGRESQL, 55P03, 0, UNAVAILABLE", // PostgreSQL: lock not available (lock_timeout)
    "POSTGRESQL, 53300, 0, UNAVAILABLE", // PostgreSQL: too many connections
    "H2, HYT00, 50200, UNAVAILABLE", // H2: lock timeout
    "MARIADB, 70100, 1969, UNAVAILABLE", // MariaDB: max_statement_time exceeded
    "MARIADB, HY000, 1205, UNAVAILABLE", // MariaDB: lock wait timeout
    "POSTGRESQL, 42P01, 0, FAILED", // PostgreSQL: undefined table
    "MARIADB, 42S02, 1146, FAILED"
  }) // MariaDB: table does not exist
  void classify_readsTheSqlStateAndVendorCode(
      JdbcDialect dialect, String state, int code, Kind expected) {
    assertThat(SqlErrors.classify(new SQLException("driver text", state, code), dialect.internal()))
        .isEqualTo(expected);
  }

  /**
   * A vendor code is a database's own: another database's code by the same number means nothing.
   */
  @ParameterizedTest(name = "{0}: SQLState {1}, vendor code {2} is {3}")
  @CsvSource({
    "POSTGRESQL, HY000, 1020, FAILED",
    "H2, HY000, 1205, FAILED",
    "MARIADB, 90131, 90131, FAILED",
    "MARIADB, 57P01, 0, FAILED"
  })
  void classify_readsAVendorCodeOnlyOnItsOwnDatabase(
      JdbcDialect dialect, String state, int code, Kind expected) {
    assertThat(SqlErrors.classify(new SQLException("driver text", state, code), dialect.internal()))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void classify_readsTheExceptionTypesOfPoolsAndDrivers(JdbcDialect dialect) {
    assertThat(
            SqlErrors.classify(
                new SQLTransientConnectionException("pool timed out"), dialect.internal()))
        .isEqualTo(Kind.UNAVAILABLE);
    assertThat(SqlErrors.classify(new SQLTimeoutException("timeout"), dialect.internal()))
        .isEqualTo(Kind.UNAVAILABLE);
    assertThat(
            SqlErrors.classify(
                new SQLException("wrapped", null, 0, new SQLException("inner", "40001")),
                dialect.internal()))
        .isEqualTo(Kind.CONFLICT);
  }

  @Test
  void aConstraint_isADuplicate_whoseMessageHasNoDriverText_andNoCause() {
    SQLException driver =
        new SQLException(
            "ERROR: duplicate key value violates unique constraint \"at_tokens_digest_uq\"\n"
                + "  Detail: Key (digest, digest_key_id)=(\\xdeadbeefcafe, sha256) already exists.",
            "23505");

    AccessTokenException e = SqlErrors.translate(driver, "insert of token 00000000001", POSTGRESQL);

    assertThat(e)
        .isInstanceOf(DuplicateTokenException.class)
        .hasNoCause()
        .hasMessage(
            "insert of token 00000000001 was refused: a token with the same id or digest is already"
                + " stored [SQLState 23505, vendor code 0, SQLException]");
  }

  @Test
  void aSerializationFailure_isAConflict_thatSaysToReadAgain() {
    AccessTokenException e =
        SqlErrors.translate(
            new SQLException("x", "HY000", 1020), "update of token 00000000001", MARIADB);

    assertThat(e)
        .isExactlyInstanceOf(TokenConflictException.class)
        .hasNoCause()
        .hasMessage(
            "update of token 00000000001 lost a race with a concurrent change and was rolled back;"
                + " read the token again [SQLState HY000, vendor code 1020, SQLException]");
  }

  @Test
  void aMissingTable_isUnavailable_andAsksWhetherMigrateRan() {
    assertThat(
            SqlErrors.translate(
                new SQLException("relation \"at_tokens\" does not exist", "42P01"),
                "scan",
                POSTGRESQL))
        .isExactlyInstanceOf(StoreUnavailableException.class)
        .hasNoCause()
        .hasMessage(
            "scan failed: the database refused the statement [SQLState 42P01, vendor code 0,"
                + " SQLException]; has JdbcTokenStore.migrate() run on this database?");
  }

  @Test
  void aConnectFailure_keepsTheDriversExceptionAsCause_butAStatementFailureDoesNot() {
    SQLException refused =
        new SQLException("Connection refused", "08001", new ConnectException("refused"));

    assertThat(SqlErrors.translateConnectFailure(refused, "find", POSTGRESQL)).hasCause(refused);
    assertThat(SqlErrors.translate(refused, "find", POSTGRESQL)).hasNoCause();
  }

  @Test
  void anInterruptInTheCauses_isUnavailable_andRestoresTheInterrupt() {
    SQLException interrupted = new SQLException("I/O", "08006", new InterruptedException());
    try {
      assertThat(SqlErrors.translate(interrupted, "list", POSTGRESQL))
          .isExactlyInstanceOf(StoreUnavailableException.class)
          .hasMessageStartingWith("list was interrupted; the interrupt is kept");
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
  }
}
