package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections to the embedded PostgreSQL cut, answers lost and partitions, by an in-JVM TCP proxy.
 */
class EmbeddedPostgresNetworkFaultTest extends AbstractNetworkFaultTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
