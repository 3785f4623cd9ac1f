package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections to an external PostgreSQL server cut, answers lost and partitions, by an in-JVM TCP
 * proxy.
 */
class PostgresNetworkFaultTest extends AbstractNetworkFaultTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
