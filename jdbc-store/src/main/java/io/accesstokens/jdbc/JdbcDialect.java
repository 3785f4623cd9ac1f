package io.accesstokens.jdbc;

import io.accesstokens.internal.Checks;
import io.accesstokens.jdbc.internal.Dialect;
import io.accesstokens.jdbc.internal.H2Dialect;
import io.accesstokens.jdbc.internal.MariaDbDialect;
import io.accesstokens.jdbc.internal.PostgresDialect;
import io.accesstokens.jdbc.internal.SqlErrors;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The databases {@link JdbcTokenStore} speaks to. The store detects the dialect from the
 * connection's {@link java.sql.DatabaseMetaData#getDatabaseProductName() product name} unless
 * {@link JdbcTokenStore.Builder#dialect(JdbcDialect) one is set}.
 */
public enum JdbcDialect {
  /** H2 2.x, embedded or server: the default for tests and single-node hosts. */
  H2(new H2Dialect()),
  /** PostgreSQL 12 or later. */
  POSTGRESQL(new PostgresDialect()),
  /** MariaDB 10.5 or later, and MySQL 8.0.16 or later (same SQL; tested on MariaDB). */
  MARIADB(new MariaDbDialect());

  /**
   * All that the store knows of the database: statements, files, locks, codes. Immutable (final
   * fields and an immutable map), which Error Prone cannot see without an annotation of its own.
   */
  @SuppressWarnings("ImmutableEnumChecker")
  private final Dialect dialect;

  JdbcDialect(Dialect dialect) {
    this.dialect = dialect;
  }

  /**
   * The name of this dialect's schema file (version 1), shipped in the jar under {@code
   * io/accesstokens/jdbc/}.
   */
  public String schemaFile() {
    return dialect.schemaFile();
  }

  /**
   * The name of this dialect's drop file, shipped beside the {@link #schemaFile()}: it drops every
   * table of a table prefix that {@link JdbcTokenStore#migrate()} created, tokens and change log
   * included (in it {@code ${prefix}} stands for the prefix), for tests and for removing the store.
   */
  public String schemaDropFile() {
    return dialect.dropFile();
  }

  Dialect internal() {
    return dialect;
  }

  /**
   * The dialect of a database product name as JDBC drivers report it ({@code H2}, {@code
   * PostgreSQL}, {@code MariaDB}, {@code MySQL}); empty for any other.
   */
  public static Optional<JdbcDialect> fromProductName(String productName) {
    Checks.notNull(productName, "product name");
    String name = productName.strip().toLowerCase(Locale.ROOT);
    for (JdbcDialect candidate : values()) {
      if (candidate.dialect.speaks(name)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * What any dialect's own codes say of a failure, before the dialect is known (the first that
   * knows).
   */
  static SqlErrors.@Nullable Kind classifyAny(String sqlState, int vendorCode) {
    for (JdbcDialect candidate : values()) {
      SqlErrors.Kind kind = candidate.dialect.classify(sqlState, vendorCode);
      if (kind != null) {
        return kind;
      }
    }
    return null;
  }
}
