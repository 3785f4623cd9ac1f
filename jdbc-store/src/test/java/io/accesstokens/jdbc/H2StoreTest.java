package io.accesstokens.jdbc;

import io.accesstokens.testing.SecretLeakGuard;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK and the JDBC suites on H2, in memory. */
@ExtendWith(SecretLeakGuard.class)
class H2StoreTest extends JdbcStoreTck {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  H2StoreTest() {
    super(DB);
  }

  /**
   * Several nodes on one H2 database, polling. The nodes reach it as separate processes would:
   * through an H2 TCP server started in this JVM (on a free port, local connections only), each
   * over connections of its own, while the test itself uses the in-memory database directly.
   */
  @Nested
  class MultiNode extends AbstractMultiNodeTest {
    private @Nullable Server server;

    @BeforeAll
    void startTcpServer() throws SQLException {
      server = Server.createTcpServer("-tcpPort", "0").start();
    }

    @AfterAll
    void stopTcpServer() {
      if (server != null) {
        server.stop();
      }
    }

    @Override
    protected TestDatabase db() {
      return DB;
    }

    @Override
    protected JdbcChangeFeed.Mode mode() {
      return JdbcChangeFeed.Mode.POLLING;
    }

    @Override
    protected DataSource nodeDatabase() {
      String url = ((JdbcDataSource) DB.dataSource()).getURL();
      JdbcDataSource tcp = new JdbcDataSource();
      tcp.setURL(
          url.replace("jdbc:h2:mem:", "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:"));
      return tcp;
    }
  }
}
