package io.accesstokens.jdbc;

/** The model-based property test on the embedded PostgreSQL. */
class EmbeddedPostgresModelTest extends AbstractJdbcModelTest {
  @Override
  protected TestDatabase database() {
    return TestDatabase.embeddedPostgres();
  }
}
