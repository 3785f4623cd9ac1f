package io.accesstokens.jdbc;

import io.accesstokens.internal.Checks;
import java.util.Locale;
import java.util.Optional;

/**
 * The databases {@link JdbcTokenStore} speaks to. The store detects the dialect from the connection's
 * {@link java.sql.DatabaseMetaData#getDatabaseProductName() product name} unless
 * {@link JdbcTokenStore.Builder#dialect(JdbcDialect) one is set}.
 */
public enum JdbcDialect {
  /** H2 2.x, embedded or server: the default for tests and single-node hosts. */
  H2("schema-h2.sql"),
  /** PostgreSQL 12 or later. */
  POSTGRESQL("schema-postgresql.sql"),
  /** MariaDB 10.5 or later, and MySQL 8.0.16 or later (same SQL; tested on MariaDB). */
  MARIADB("schema-mariadb.sql");

  private final String schemaFile;

  JdbcDialect(String schemaFile) {
    this.schemaFile = schemaFile;
  }

  /**
   * The name of this dialect's schema file (version 1), shipped in the jar under
   * {@code io/accesstokens/jdbc/}.
   */
  public String schemaFile() {
    return schemaFile;
  }

  /**
   * The dialect of a database product name as JDBC drivers report it ({@code H2},
   * {@code PostgreSQL}, {@code MariaDB}, {@code MySQL}); empty for any other.
   */
  public static Optional<JdbcDialect> fromProductName(String productName) {
    Checks.notNull(productName, "product name");
    String name = productName.strip().toLowerCase(Locale.ROOT);
    if (name.equals("h2")) {
      return Optional.of(H2);
    }
    if (name.startsWith("postgresql")) {
      return Optional.of(POSTGRESQL);
    }
    if (name.startsWith("mariadb") || name.startsWith("mysql")) {
      return Optional.of(MARIADB);
    }
    return Optional.empty();
  }
}
