package io.accesstokens.jdbc;

import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ServerStoreTck} and PostgreSQL's own: followers woken by LISTEN/NOTIFY, and the store's
 * backends terminated with {@code pg_terminate_backend}.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class PostgresStoreTck extends ServerStoreTck {
  PostgresStoreTck(TestDatabase db) {
    super(db);
  }

  /** {@link ServerStoreTck.MultiNode}'s nodes, woken by notifications (and polling). */
  @Nested
  class NotifyMultiNode extends MultiNode {
    @Override
    protected JdbcChangeFeed.Mode mode() {
      return JdbcChangeFeed.Mode.NOTIFY;
    }
  }

  @Nested
  class BackendTerminated extends AbstractBackendTerminatedTest {
    @Override
    protected TestDatabase db() {
      return PostgresStoreTck.this.db();
    }
  }
}
