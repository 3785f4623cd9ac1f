package io.accesstokens.jdbc;

/** The model-based property test on H2, in memory. */
class H2ModelTest extends AbstractJdbcModelTest {
  @Override
  protected TestDatabase database() {
    return TestDatabase.h2();
  }
}
