package io.accesstokens.jdbc;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A fault injector around a real data source: when armed, the next transaction the store begins
 * (auto-commit switched off) first takes a REPEATABLE READ snapshot with a read, and then lets
 * another node commit a change, before the store's own statements run. The store's statements then
 * meet a row newer than their transaction's snapshot: PostgreSQL answers 40001, MariaDB with {@code
 * innodb_snapshot_isolation=ON} answers 1020, the others see the newest row.
 */
final class SnapshotFirstDataSource extends ForwardingDataSource {
  private final String snapshotQuery;
  private final AtomicReference<@Nullable Runnable> armed = new AtomicReference<>();

  SnapshotFirstDataSource(DataSource delegate, String tablePrefix) {
    super(delegate);
    this.snapshotQuery = "SELECT COUNT(*) FROM " + tablePrefix + "tokens";
  }

  /** The next transaction takes its snapshot, then runs {@code concurrentCommit}, then goes on. */
  void arm(Runnable concurrentCommit) {
    armed.set(concurrentCommit);
  }

  @Override
  protected Connection wrap(Connection connection) {
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
            Runnable concurrentCommit = armed.getAndSet(null);
            if (concurrentCommit != null) {
              connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
              connection.setAutoCommit(false);
              try (Statement s = connection.createStatement()) {
                s.executeQuery(snapshotQuery).close();
              }
              concurrentCommit.run();
              return null;
            }
          }
          return forward(connection, method, args);
        });
  }
}
