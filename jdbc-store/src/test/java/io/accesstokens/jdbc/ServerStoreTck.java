package io.accesstokens.jdbc;

import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link JdbcStoreTck} and the suites of a database server reached over the network: loads in
 * flight during real changes, connections cut by a proxy, and several nodes polling the change log.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class ServerStoreTck extends JdbcStoreTck {
  ServerStoreTck(TestDatabase db) {
    super(db);
  }

  @Nested
  class InFlightLookup extends AbstractInFlightLookupTest {
    @Override
    protected TestDatabase db() {
      return ServerStoreTck.this.db();
    }
  }

  @Nested
  class NetworkFault extends AbstractNetworkFaultTest {
    @Override
    protected TestDatabase db() {
      return ServerStoreTck.this.db();
    }
  }

  @Nested
  class MultiNode extends AbstractMultiNodeTest {
    @Override
    protected TestDatabase db() {
      return ServerStoreTck.this.db();
    }

    @Override
    protected JdbcChangeFeed.Mode mode() {
      return JdbcChangeFeed.Mode.POLLING;
    }
  }
}
