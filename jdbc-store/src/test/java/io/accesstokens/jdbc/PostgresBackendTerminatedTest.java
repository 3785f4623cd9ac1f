package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's backends on an external PostgreSQL server terminated with pg_terminate_backend
 * mid-transaction and while idle.
 */
class PostgresBackendTerminatedTest extends AbstractBackendTerminatedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
