package io.accesstokens.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A real data source whose next query containing a marker is run by the database as usual (its
 * snapshot is taken, its rows are read) and whose answer is then held back until the test releases
 * it: a lookup "in flight" for as long as the test needs, while other connections change the rows
 * it read.
 */
final class HeldAnswerDataSource extends ForwardingDataSource {
  private final String marker;
  private final AtomicReference<@Nullable Hold> armed = new AtomicReference<>();

  HeldAnswerDataSource(DataSource delegate, String marker) {
    super(delegate);
    this.marker = marker;
  }

  /**
   * The next matching query, once it has run, signals {@link Hold#answered} and waits for {@link
   * Hold#release}.
   */
  Hold holdNext() {
    Hold hold = new Hold();
    armed.set(hold);
    return hold;
  }

  static final class Hold {
    final CountDownLatch answered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection connection = delegate.getConnection();
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          Object result = forward(connection, method, args);
          if (method.getName().equals("prepareStatement")
              && args.length == 1
              && ((String) args[0]).contains(marker)) {
            return holding((PreparedStatement) result);
          }
          return result;
        });
  }

  private PreparedStatement holding(PreparedStatement statement) {
    return proxy(
        PreparedStatement.class,
        (proxy, method, args) -> {
          Object result = forward(statement, method, args);
          if (method.getName().equals("executeQuery")) {
            Hold hold = armed.getAndSet(null);
            if (hold != null) {
              hold.answered.countDown();
              if (!hold.release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the held answer");
              }
            }
          }
          return result;
        });
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("one user");
  }
}
