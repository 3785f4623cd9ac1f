package io.accesstokens.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The worst pool there is: one physical connection, handed out again and again without any check,
 * and replaced only once the driver has closed it. What a store gets from it after a network fault
 * is a connection whose socket still looks open, so only the store's own timeouts can end a call on
 * it.
 */
final class OneConnectionDataSource extends ForwardingDataSource {
  private @Nullable Connection physical;

  OneConnectionDataSource(DataSource delegate) {
    super(delegate);
  }

  @Override
  public synchronized Connection getConnection() throws SQLException {
    if (physical == null || physical.isClosed()) {
      physical = delegate.getConnection();
    }
    Connection target = physical;
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null; // kept for the next caller, as a pool would
          }
          return forward(target, method, args);
        });
  }

  /** Closes the physical connection, if any. */
  synchronized void closePhysical() throws SQLException {
    if (physical != null) {
      physical.close();
      physical = null;
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("one connection, one user");
  }
}
