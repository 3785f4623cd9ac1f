package io.accesstokens.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A fault injector around a real data source that acts at the one moment the change log cares
 * about: a transaction's commit, after its last statement (the change insert) has taken its
 * sequence number. Armed with {@link #holdNextCommit()}, the next commit waits until the test
 * releases it, so another transaction can take a higher number and commit first. Armed with {@link
 * #failNextCommit()}, the next commit rolls back instead and fails as a lost connection would.
 */
final class CommitGate extends ForwardingDataSource {
  private final AtomicReference<@Nullable Held> armed = new AtomicReference<>();
  private volatile boolean failNext;

  CommitGate(DataSource delegate) {
    super(delegate);
  }

  /**
   * A commit on hold: {@link #reached} once the transaction is at its commit, {@link #release} lets
   * it go.
   */
  static final class Held {
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** Waits until the held transaction has run its statements and called commit. */
    void awaitReached(Duration timeout) throws InterruptedException {
      if (!reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the held transaction did not reach its commit within " + timeout);
      }
    }

    void release() {
      released.countDown();
    }
  }

  /** The next transaction to commit through this data source waits at its commit until released. */
  Held holdNextCommit() {
    Held held = new Held();
    armed.set(held);
    return held;
  }

  /** The next commit rolls back instead and throws SQLState 08006 (connection failure). */
  void failNextCommit() {
    failNext = true;
  }

  @Override
  protected Connection wrap(Connection connection) {
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          if (method.getName().equals("commit")) {
            Held held = armed.getAndSet(null);
            if (held != null) {
              held.reached.countDown();
              if (!held.released.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("a held commit was never released");
              }
            }
            if (failNext) {
              failNext = false;
              connection.rollback();
              throw new SQLException("commit failed (injected)", "08006");
            }
          }
          return forward(connection, method, args);
        });
  }
}
