package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's backends on the embedded PostgreSQL terminated with pg_terminate_backend
 * mid-transaction and while idle.
 */
class EmbeddedPostgresBackendTerminatedTest extends AbstractBackendTerminatedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
