package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.jdbc.internal.SchemaScript;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.accesstokens.jdbc.internal.SqlStatementsSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcDialectTest {

  @ParameterizedTest
  @CsvSource({
      "H2, H2",
      "PostgreSQL, POSTGRESQL",
      "MariaDB, MARIADB",
      "MySQL, MARIADB",
      "' postgresql ', POSTGRESQL"})
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
  void eachDialect_shipsASchemaFile_ofStatementsThatUseOnlyThePrefixPlaceholder(JdbcDialect dialect) {
    String script = SchemaScript.load(dialect.schemaFile());
    SqlStatements sql = new SqlStatements(SqlStatementsSource.of(dialect), "at_");

    assertThat(SchemaScript.statements(script)).isNotEmpty().allSatisfy(statement -> {
      assertThat(statement).startsWith("CREATE ").doesNotContain("--").doesNotEndWith(";");
      assertThat(sql.resolve(statement)).doesNotContain("${").contains("at_tokens");
    });
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void eachDialect_resolvesEveryStatement_withTheValuesLeftAsParameters(JdbcDialect dialect) {
    SqlStatements sql = new SqlStatements(SqlStatementsSource.of(dialect), "p_");

    assertThat(sql.insert).startsWith("INSERT INTO p_tokens (").endsWith("VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    assertThat(sql.list(true, true, true)).isEqualTo("SELECT " + SqlStatementsSource.COLUMNS
        + " FROM p_tokens WHERE organization = ? AND environment = ? AND status = ?"
        + " AND created_at >= ? AND (created_at > ? OR id_key > ?) ORDER BY created_at, id_key LIMIT ?");
    assertThat(sql.list(false, false, false)).isEqualTo("SELECT " + SqlStatementsSource.COLUMNS
        + " FROM p_tokens WHERE organization = ? ORDER BY created_at, id_key LIMIT ?");
    assertThat(sql.update).endsWith("WHERE id_key = ? AND organization = ? AND version = ?");
    assertThat(sql.deleteReturning != null).isEqualTo(dialect == JdbcDialect.POSTGRESQL);
  }
}
