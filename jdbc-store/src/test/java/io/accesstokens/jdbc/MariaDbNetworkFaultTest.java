package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Connections to a MariaDB server cut, answers lost and partitions, by an in-JVM TCP proxy. */
class MariaDbNetworkFaultTest extends AbstractNetworkFaultTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
