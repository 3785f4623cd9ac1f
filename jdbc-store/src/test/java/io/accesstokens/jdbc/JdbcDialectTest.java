package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.jdbc.internal.SchemaScript;
import io.accesstokens.jdbc.internal.Sql;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.accesstokens.jdbc.internal.TokenRows;
import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(SecretLeakGuard.class)
class JdbcDialectTest {

  @ParameterizedTest
  @CsvSource({
    "H2, H2",
    "PostgreSQL, POSTGRESQL",
    "MariaDB, MARIADB",
    "MySQL, MARIADB",
    "' postgresql ', POSTGRESQL"
  })
  void fromProductName_knowsTheDriversNames(String productName, JdbcDialect expected) {
    assertThat(JdbcDialect.fromProductName(productName)).contains(expected);
  }

  @Test
  void fromProductName_ofAnotherDatabase_isEmpty() {
    assertThat(JdbcDialect.fromProductName("Oracle")).isEmpty();
    assertThat(JdbcDialect.fromProductName("Apache Derby")).isEmpty();
    assertThat(JdbcDialect.fromProductName("")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void eachDialect_shipsASchemaFile_ofStatementsThatUseOnlyThePrefixPlaceholder(
      JdbcDialect dialect) {
    String script = SchemaScript.load(dialect.schemaFile());
    SqlStatements sql = new SqlStatements(dialect.internal(), "at_");

    assertThat(SchemaScript.statements(script))
        .isNotEmpty()
        .allSatisfy(
            statement -> {
              assertThat(statement).startsWith("CREATE ").doesNotContain("--").doesNotEndWith(";");
              assertThat(sql.resolve(statement)).doesNotContain("${").contains("at_tokens");
            });
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void eachDialect_shipsADropFile_thatDropsOnlyTablesOfThePrefix(JdbcDialect dialect) {
    assertThat(dialect.schemaDropFile())
        .isEqualTo(dialect.schemaFile().replace("schema-", "schema-drop-"));
    String script = SchemaScript.load(dialect.schemaDropFile());
    SqlStatements sql = new SqlStatements(dialect.internal(), "at_");

    assertThat(SchemaScript.statements(script))
        .isNotEmpty()
        .allSatisfy(
            statement -> {
              assertThat(statement)
                  .startsWith("DROP TABLE IF EXISTS ${prefix}")
                  .doesNotContain("--")
                  .doesNotEndWith(";");
              assertThat(sql.resolve(statement))
                  .doesNotContain("${")
                  .startsWith("DROP TABLE IF EXISTS at_");
            });
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void eachDialect_resolvesEveryStatement_withTheValuesLeftAsParameters(JdbcDialect dialect) {
    SqlStatements sql = new SqlStatements(dialect.internal(), "p_");

    assertThat(sql.get(Sql.INSERT))
        .startsWith("INSERT INTO p_tokens (")
        .endsWith("VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    assertThat(sql.list(true, true, true))
        .isEqualTo(
            "SELECT "
                + TokenRows.COLUMNS
                + " FROM p_tokens WHERE organization = ? AND environment = ? AND status = ? AND"
                + " created_at >= ? AND (created_at > ? OR id_key > ?) ORDER BY created_at, id_key"
                + " LIMIT ?");
    assertThat(sql.list(false, false, false))
        .isEqualTo(
            "SELECT "
                + TokenRows.COLUMNS
                + " FROM p_tokens WHERE organization = ? ORDER BY created_at, id_key LIMIT ?");
    assertThat(sql.list(false, true, true, true))
        .as("issue 14: the expiry window")
        .isEqualTo(
            "SELECT "
                + TokenRows.COLUMNS
                + " FROM p_tokens WHERE organization = ? AND status = ? AND"
                + " created_at >= ? AND (created_at > ? OR id_key > ?) AND expires_at >= ? AND"
                + " expires_at < ? ORDER BY created_at, id_key LIMIT ?");
    assertThat(sql.get(Sql.MARK_REMINDED))
        .endsWith(
            "WHERE id_key = ? AND organization = ? AND expires_at = ? AND (reminded_for IS NULL"
                + " OR reminded_for <> ? OR reminded_within_ms > ?)");
    assertThat(sql.get(Sql.UPDATE))
        .endsWith("WHERE id_key = ? AND organization = ? AND version = ?");
    assertThat(sql.has(Sql.DELETE_RETURNING)).isEqualTo(dialect == JdbcDialect.POSTGRESQL);
    for (Sql statement : Sql.values()) {
      if (sql.has(statement)) {
        assertThat(sql.get(statement))
            .as("%s", statement)
            .doesNotContain("${")
            .doesNotContain("\n")
            .doesNotContain("  ")
            .doesNotContain("[");
      }
    }
  }
}
