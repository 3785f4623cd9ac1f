package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.AccessTokenException;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import io.accesstokens.jdbc.internal.SqlErrors;
import io.accesstokens.jdbc.internal.SqlErrors.Kind;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The translation table, with the SQLStates and vendor codes the three databases really use. The
 * database tests provoke the common ones for real (duplicates, 40001, 1020, timeouts, refused
 * connections); this names every row.
 */
class SqlErrorsTest {

  @ParameterizedTest(name = "SQLState {0}, vendor code {1} is {2}")
  @CsvSource({
      "23505, 0, CONSTRAINT",        // PostgreSQL and H2: unique violation
      "23000, 1062, CONSTRAINT",     // MariaDB: duplicate entry
      "40001, 0, CONFLICT",          // serialization failure
      "40P01, 0, CONFLICT",          // PostgreSQL: deadlock detected
      "40001, 1213, CONFLICT",       // MariaDB: deadlock
      "HY000, 1020, CONFLICT",       // MariaDB: record has changed since last read (snapshot isolation)
      "90131, 90131, CONFLICT",      // H2: concurrent update
      "08006, 0, UNAVAILABLE",       // connection failure
      "08001, 0, UNAVAILABLE",       // cannot connect
      "57014, 0, UNAVAILABLE",       // PostgreSQL: query canceled (statement timeout)
      "57P01, 0, UNAVAILABLE",       // PostgreSQL: admin shutdown
      "55P03, 0, UNAVAILABLE",       // PostgreSQL: lock not available (lock_timeout)
      "53300, 0, UNAVAILABLE",       // PostgreSQL: too many connections
      "HYT00, 50200, UNAVAILABLE",   // H2: lock timeout
      "70100, 1969, UNAVAILABLE",    // MariaDB: max_statement_time exceeded
      "HY000, 1205, UNAVAILABLE",    // MariaDB: lock wait timeout
      "42P01, 0, FAILED",            // PostgreSQL: undefined table
      "42S02, 1146, FAILED"})        // MariaDB: table does not exist
  void classify_readsTheSqlStateAndVendorCode(String state, int code, Kind expected) {
    assertThat(SqlErrors.classify(new SQLException("driver text", state, code))).isEqualTo(expected);
  }

  @Test
  void classify_readsTheExceptionTypesOfPoolsAndDrivers() {
    assertThat(SqlErrors.classify(new SQLTransientConnectionException("pool timed out"))).isEqualTo(Kind.UNAVAILABLE);
    assertThat(SqlErrors.classify(new SQLTimeoutException("timeout"))).isEqualTo(Kind.UNAVAILABLE);
    assertThat(SqlErrors.classify(new SQLException("wrapped", null, 0, new SQLException("inner", "40001"))))
        .isEqualTo(Kind.CONFLICT);
  }

  @Test
  void aConstraint_isADuplicate_whoseMessageHasNoDriverText_andNoCause() {
    SQLException driver = new SQLException(
        "ERROR: duplicate key value violates unique constraint \"at_tokens_digest_uq\"\n"
            + "  Detail: Key (digest, digest_key_id)=(\\xdeadbeefcafe, sha256) already exists.", "23505");

    AccessTokenException e = SqlErrors.translate(driver, "insert of token 00000000001");

    assertThat(e).isInstanceOf(DuplicateTokenException.class).hasNoCause()
        .hasMessage("insert of token 00000000001 was refused: a token with the same id or digest is already"
            + " stored [SQLState 23505, vendor code 0, SQLException]");
  }

  @Test
  void aSerializationFailure_isAConflict_thatSaysToReadAgain() {
    AccessTokenException e = SqlErrors.translate(new SQLException("x", "HY000", 1020), "update of token 00000000001");

    assertThat(e).isExactlyInstanceOf(TokenConflictException.class).hasNoCause()
        .hasMessage("update of token 00000000001 lost a race with a concurrent change and was rolled back;"
            + " read the token again [SQLState HY000, vendor code 1020, SQLException]");
  }

  @Test
  void aMissingTable_isUnavailable_andAsksWhetherMigrateRan() {
    assertThat(SqlErrors.translate(new SQLException("relation \"at_tokens\" does not exist", "42P01"), "scan"))
        .isExactlyInstanceOf(StoreUnavailableException.class).hasNoCause()
        .hasMessage("scan failed: the database refused the statement [SQLState 42P01, vendor code 0, SQLException];"
            + " has JdbcTokenStore.migrate() run on this database?");
  }

  @Test
  void aConnectFailure_keepsTheDriversExceptionAsCause_butAStatementFailureDoesNot() {
    SQLException refused = new SQLException("Connection refused", "08001", new ConnectException("refused"));

    assertThat(SqlErrors.translateConnectFailure(refused, "find")).hasCause(refused);
    assertThat(SqlErrors.translate(refused, "find")).hasNoCause();
  }

  @Test
  void anInterruptInTheCauses_isUnavailable_andRestoresTheInterrupt() {
    SQLException interrupted = new SQLException("I/O", "08006", new InterruptedException());
    try {
      assertThat(SqlErrors.translate(interrupted, "list"))
          .isExactlyInstanceOf(StoreUnavailableException.class)
          .hasMessageStartingWith("list was interrupted; the interrupt is kept");
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
  }
}
