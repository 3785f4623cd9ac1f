package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.jdbc.internal.SchemaScript;
import io.accesstokens.jdbc.internal.Sql;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.accesstokens.jdbc.internal.TokenRows;
import io.accesstokens.testing.SecretLeakGuard;
import java.util.function.BiConsumer;
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

  /**
   * {@code file} has statements, and {@code check} passes for each, given as the file has it and as
   * {@code dialect} resolves it for the table prefix "at_".
   */
  private static void assertEveryStatement(
      JdbcDialect dialect, String file, BiConsumer<String, String> check) {
    String script = SchemaScript.load(file);
    SqlStatements sql = new SqlStatements(dialect.internal(), "at_");

    assertThat(SchemaScript.statements(script))
        .isNotEmpty()
        .allSatisfy(statement -> check.accept(statement, sql.resolve(statement)));
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void eachDialect_shipsASchemaFile_ofStatementsThatUseOnlyThePrefixPlaceholder(
      JdbcDialect dialect) {
    assertEveryStatement(
        dialect,
        dialect.schemaFile(),
        (statement, resolved) -> {
          assertThat(statement).startsWith("CREATE ").doesNotContain("--").doesNotEndWith(";");
          assertThat(resolved).doesNotContain("${").contains("at_tokens");
        });
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void eachDialect_shipsADropFile_thatDropsOnlyTablesOfThePrefix(JdbcDialect dialect) {
    assertThat(dialect.schemaDropFile())
        .isEqualTo(dialect.schemaFile().replace("schema-", "schema-drop-"));
    assertEveryStatement(
        dialect,
        dialect.schemaDropFile(),
        (statement, resolved) -> {
          assertThat(statement)
              .startsWith("DROP TABLE IF EXISTS ${prefix}")
              .doesNotContain("--")
              .doesNotEndWith(";");
          assertThat(resolved).doesNotContain("${").startsWith("DROP TABLE IF EXISTS at_");
        });
  }

  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void eachDialect_resolvesEveryStatement_withTheValuesLeftAsParameters(JdbcDialect dialect) {
    SqlStatements sql = new SqlStatements(dialect.internal(), "p_");

    assertThat(sql.get(Sql.INSERT))
        .startsWith("INSERT INTO p_tokens (")
        .endsWith("VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
                + " FROM p_tokens"
                + (dialect == JdbcDialect.MARIADB ? " FORCE INDEX (p_tokens_list_ix)" : "")
                + " WHERE organization = ? ORDER BY created_at, id_key LIMIT ?");
    assertThat(sql.list(false, true, true, true))
        .as("issue 14: the expiry window")
        .isEqualTo(
            "SELECT "
                + TokenRows.COLUMNS
                + " FROM p_tokens WHERE organization = ? AND status = ? AND"
                + " created_at >= ? AND (created_at > ? OR id_key > ?) AND expires_at >= ? AND"
                + " expires_at < ? ORDER BY created_at, id_key LIMIT ?");
    assertThat(sql.list(true, false, true, false, true))
        .as("issue 14: unused since")
        .isEqualTo(
            "SELECT "
                + TokenRows.COLUMNS
                + " FROM p_tokens WHERE organization = ? AND environment = ? AND created_at >= ?"
                + " AND (created_at > ? OR id_key > ?) AND (last_used_at < ? OR (last_used_at IS"
                + " NULL AND created_at < ?)) ORDER BY created_at, id_key LIMIT ?");
    assertThat(sql.list(false, false, false, false, true))
        .as("unused since is a filter: no forced list index")
        .doesNotContain("FORCE INDEX");
    assertThat(sql.get(Sql.RECORD_LAST_USED))
        .as("issue 14: a monotonic raise of the time and its source, no version, no updated time")
        .isEqualTo(
            "UPDATE p_tokens SET last_used_at = ?, last_used_from = ? WHERE id_key = ? AND"
                + " organization = ? AND (last_used_at IS NULL OR last_used_at < ?)");
    assertThat(sql.get(Sql.MARK_REMINDED))
        .endsWith(
            "WHERE id_key = ? AND organization = ? AND expires_at = ? AND (reminded_for IS NULL"
                + " OR reminded_for <> ? OR reminded_within_ms > ?)");
    assertThat(sql.get(Sql.UPDATE))
        .endsWith("WHERE id_key = ? AND organization = ? AND version = ?");
    assertThat(sql.has(Sql.DELETE_RETURNING)).isEqualTo(dialect == JdbcDialect.POSTGRESQL);
    assertThat(sql.has(Sql.LIST_UNFILTERED)).isEqualTo(dialect == JdbcDialect.MARIADB);
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

  /**
   * Issue 13: MariaDB forces the list index on the unfiltered pages only (after a deep cursor it
   * otherwise walks the organization's index entries before the cursor); filtered pages leave the
   * choice of the status, environment and expiry indexes to the optimizer. Other dialects never
   * hint. Every variant binds the same parameters as the unhinted one.
   */
  @ParameterizedTest
  @EnumSource(JdbcDialect.class)
  void list_forcesTheListIndex_exactlyOnMariaDbsUnfilteredPages(JdbcDialect dialect) {
    SqlStatements sql = new SqlStatements(dialect.internal(), "p_");
    String hint = " FORCE INDEX (p_tokens_list_ix)";
    String plain = "SELECT " + TokenRows.COLUMNS + " FROM p_tokens WHERE organization = ?";
    String cursor = " AND created_at >= ? AND (created_at > ? OR id_key > ?)";
    String order = " ORDER BY created_at, id_key LIMIT ?";

    for (int clauses = 0; clauses < 16; clauses++) {
      boolean byEnvironment = (clauses & 1) != 0;
      boolean byStatus = (clauses & 2) != 0;
      boolean afterCursor = (clauses & 4) != 0;
      boolean byExpiry = (clauses & 8) != 0;
      String text = sql.list(byEnvironment, byStatus, afterCursor, byExpiry);
      boolean unfiltered = !byEnvironment && !byStatus && !byExpiry;

      assertThat(text.contains("FORCE INDEX"))
          .as("%s, clauses %s: %s", dialect, clauses, text)
          .isEqualTo(dialect == JdbcDialect.MARIADB && unfiltered);
      assertThat(text.replace(hint, ""))
          .as("%s, clauses %s: the same statement but for the hint", dialect, clauses)
          .isEqualTo(sql.variant(Sql.LIST, clauses));
      if (unfiltered) {
        assertThat(text.replace(hint, "")).isEqualTo(plain + (afterCursor ? cursor : "") + order);
      }
    }
    if (dialect == JdbcDialect.MARIADB) {
      assertThat(sql.list(false, false, true))
          .isEqualTo(
              "SELECT "
                  + TokenRows.COLUMNS
                  + " FROM p_tokens FORCE INDEX (p_tokens_list_ix) WHERE organization = ?"
                  + cursor
                  + order);
    }
  }
}
