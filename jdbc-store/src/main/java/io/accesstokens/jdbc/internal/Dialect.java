package io.accesstokens.jdbc.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one database needs that the portable SQL of {@link Sql} does not say: its statement
 * overrides, its schema, drop and migration files, how {@code migrate()} locks out other nodes,
 * whether DDL is transactional and whether changes are announced, and what its vendor codes mean.
 * One subclass per database; a new database is a subclass, its {@code .sql} files under {@code
 * io/accesstokens/jdbc/}, a constant of {@code JdbcDialect} (the public name of the dialect) and a
 * line of the tests' {@code TestDatabase}.
 *
 * <p>Files are named after {@link #name()}: {@code schema-<name>.sql} (schema version 1), {@code
 * migration/V<n>-<name>.sql} (each later version, listed in {@link Migration#of}) and {@code
 * schema-drop-<name>.sql}. Immutable.
 */
public abstract class Dialect implements SqlErrors.VendorCodes {
  private final String name;
  private final MigrationLock migrationLock;
  private final Map<Sql, String> overrides;

  /**
   * A dialect named {@code name} with its statements.
   *
   * @param name the dialect's name in its file names, lower case
   * @param migrationLock how {@code migrate()} keeps two nodes from migrating at once
   * @param overrides the statements this database words differently from {@link Sql}'s portable
   *     text, and those without a portable text that it has
   */
  protected Dialect(String name, MigrationLock migrationLock, Map<Sql, String> overrides) {
    this.name = name;
    this.migrationLock = migrationLock;
    this.overrides = Map.copyOf(overrides);
  }

  /** The dialect's name in its file names: {@code h2}, {@code postgresql}, {@code mariadb}. */
  public final String name() {
    return name;
  }

  /**
   * Whether this dialect speaks to a database whose product name, stripped and lower case, is this.
   */
  public abstract boolean speaks(String productName);

  /** The file of schema version 1 under {@code io/accesstokens/jdbc/}. */
  public final String schemaFile() {
    return "schema-" + name + ".sql";
  }

  /**
   * The file of schema version {@code version} (2 or later) under {@code io/accesstokens/jdbc/}.
   */
  public final String migrationFile(int version) {
    return "migration/V" + version + "-" + name + ".sql";
  }

  /** The file that drops every table of a prefix, beside {@link #schemaFile()}. */
  public final String dropFile() {
    return "schema-drop-" + name + ".sql";
  }

  /**
   * The text of {@code statement} here: the override, else the portable text; null if it has none.
   */
  final @Nullable String statement(Sql statement) {
    String override = overrides.get(statement);
    return override != null ? override : statement.portable();
  }

  /** How {@code migrate()} keeps two nodes from migrating at once. */
  public final MigrationLock migrationLock() {
    return migrationLock;
  }

  /**
   * Whether DDL can run inside a transaction, so a migration and its version row commit together.
   */
  public boolean transactionalDdl() {
    return false;
  }

  /**
   * Whether {@link Sql#INSERT_CHANGE} also sends a notification that the database delivers at
   * commit (binding the channel fifth), and {@link Sql#LISTEN} can wait for it, so a follower wakes
   * at once.
   */
  public boolean notifiesChanges() {
    return false;
  }

  /** None of its own by default: the standard rules of {@link SqlErrors#classify} decide. */
  @Override
  public SqlErrors.@Nullable Kind classify(String sqlState, int vendorCode) {
    return null;
  }

  @Override
  public String toString() {
    return name;
  }
}
