package io.accesstokens.jdbc;

import io.accesstokens.TokenId;
import io.accesstokens.jdbc.internal.TokenRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * What the fault tests ask the database itself, over an administrator's connection of their own
 * (never through the store or a proxy): hold a row lock, see a statement of the store waiting for
 * it, find or terminate its server process, and wait until the server has let go of sessions whose
 * client is gone. Every query is narrowed to the test class's own table prefix or to the test's own
 * connections, since the external servers are shared.
 */
final class ServerSide {
  private final TestDatabase db;

  ServerSide(TestDatabase db) {
    this.db = db;
  }

  /**
   * A connection of its own, in a transaction that holds the token's row FOR UPDATE until closed.
   */
  Connection lockRow(TokenId id) throws SQLException {
    Connection holder = db.dataSource().getConnection();
    holder.setAutoCommit(false);
    try (PreparedStatement lock =
        holder.prepareStatement(
            "SELECT version FROM " + db.prefix() + "tokens WHERE id_key = ? FOR UPDATE")) {
      lock.setLong(1, TokenRows.key(id));
      lock.executeQuery().close();
    }
    return holder;
  }

  /** How many statements on the class's tokens table wait for a lock now (PostgreSQL, MariaDB). */
  int waitingForALock() throws SQLException {
    String sql =
        switch (db.dialect()) {
          case POSTGRESQL ->
              "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                  + " AND pid <> pg_backend_pid() AND query LIKE ?";
          // INNODB_TRX does not reliably list the waiting transaction; a statement on the table
          // that has
          // run for 200 ms when every other takes a few is one that waits.
          case MARIADB ->
              "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query'"
                  + " AND TIME_MS >= 200 AND ID <> CONNECTION_ID() AND INFO LIKE ?";
          case H2 -> throw new UnsupportedOperationException("H2 has no server to ask");
        };
    return count(db.dataSource(), sql, "%" + db.prefix() + "tokens%");
  }

  /** Waits until a statement on the class's tokens table waits for a lock. */
  void awaitWaitingForALock() throws Exception {
    try {
      await(
          "a statement of the store waits for the row lock",
          Duration.ofSeconds(20),
          () -> {
            try {
              return waitingForALock() > 0;
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the server shows " + activity(), e);
    }
  }

  /** What the server is doing on the class's tables, for a failure message. */
  List<String> activity() throws SQLException {
    String sql =
        switch (db.dialect()) {
          case POSTGRESQL ->
              "SELECT concat_ws(' | ', pid, state, wait_event_type, wait_event, query)"
                  + " FROM pg_stat_activity WHERE query LIKE ?";
          case MARIADB ->
              "SELECT CONCAT_WS(' | ', ID, COMMAND, STATE, INFO) FROM"
                  + " information_schema.PROCESSLIST WHERE INFO LIKE ?";
          case H2 -> throw new UnsupportedOperationException("H2 has no server to ask");
        };
    List<String> rows = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, "%" + db.prefix() + "%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
    }
    return rows;
  }

  /** PostgreSQL: the process ids of the backends waiting for a lock on the class's tokens table. */
  List<Integer> backendsWaitingForALock() throws SQLException {
    return pids(
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <>"
            + " pg_backend_pid() AND query LIKE ?",
        "%" + db.prefix() + "tokens%");
  }

  /** PostgreSQL: the process ids of the backends connected under {@code applicationName}. */
  List<Integer> backendsOf(String applicationName) throws SQLException {
    return pids(
        "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND pid <>"
            + " pg_backend_pid()",
        applicationName);
  }

  /** The process ids {@code sql}, a query of pids with one parameter, finds for {@code param}. */
  private List<Integer> pids(String sql, String param) throws SQLException {
    List<Integer> pids = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, param);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
    }
    return pids;
  }

  /** PostgreSQL: {@code pg_terminate_backend(pid)} from the administrator's connection. */
  boolean terminate(int pid) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      s.setInt(1, pid);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * How many server sessions of clients connected from {@code clientPorts} (the ports a proxy used
   * towards the server) are still there.
   */
  int sessionsFrom(List<Integer> clientPorts) throws SQLException {
    String sql =
        switch (db.dialect()) {
          case POSTGRESQL -> "SELECT count(*) FROM pg_stat_activity WHERE client_port = ?";
          case MARIADB -> "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE HOST LIKE ?";
          case H2 -> throw new UnsupportedOperationException("H2 has no server to ask");
        };
    int n = 0;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int port : clientPorts) {
        if (db.dialect() == JdbcDialect.POSTGRESQL) {
          s.setInt(1, port);
        } else {
          s.setString(1, "%:" + port);
        }
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          n += rs.getInt(1);
        }
      }
    }
    return n;
  }

  /**
   * Waits until the server has ended every session that came from {@code clientPorts}: until then a
   * transaction whose client is gone may still be open, and what it will do is not yet decided.
   */
  void awaitSessionsGone(List<Integer> clientPorts) throws Exception {
    await(
        "the server ends the sessions whose client is gone",
        Duration.ofSeconds(30),
        () -> {
          try {
            return sessionsFrom(clientPorts) == 0;
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /**
   * The count {@code sql}, a {@code COUNT(*)} query with one parameter, gives for {@code param}, on
   * a connection of its own from {@code dataSource}: within a transaction, pg_stat_activity is a
   * snapshot.
   */
  static int count(DataSource dataSource, String sql, String param) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, param);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code
   * limit}.
   */
  static void await(String what, Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + limit + " in vain until " + what);
      }
      Thread.sleep(20);
    }
  }
}
