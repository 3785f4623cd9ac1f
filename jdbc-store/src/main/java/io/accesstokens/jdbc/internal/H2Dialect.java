package io.accesstokens.jdbc.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * H2 2.x, embedded or server: the portable SQL as it is. H2 has no named locks, so {@code
 * migrate()} waits on a row held FOR UPDATE by a second connection ({@link
 * MigrationLock#LOCK_ROW}), under the session's lock timeout; DDL commits, so each migration is
 * applied statement by statement.
 */
public final class H2Dialect extends Dialect {
  /** Concurrent update of the same row in another transaction. */
  static final int CONCURRENT_UPDATE = 90131;

  public H2Dialect() {
    super(
        "h2",
        MigrationLock.LOCK_ROW,
        Map.of(
            Sql.CREATE_SCHEMA_LOCK_TABLE,
            """
            CREATE TABLE IF NOT EXISTS ${prefix}schema_lock (id INT NOT NULL,
            CONSTRAINT ${prefix}schema_lock_pk PRIMARY KEY (id))
            """,
            Sql.INSERT_SCHEMA_LOCK_ROW,
            """
            INSERT INTO ${prefix}schema_lock (id) SELECT 1 FROM (VALUES (1)) AS one (x)
            WHERE NOT EXISTS (SELECT 1 FROM ${prefix}schema_lock WHERE id = 1)
            """,
            Sql.LOCK_SCHEMA_LOCK_ROW,
            """
            SELECT id FROM ${prefix}schema_lock WHERE id = 1 FOR UPDATE
            """,
            Sql.LOCK_TIMEOUT_OF_SESSION,
            """
            SELECT LOCK_TIMEOUT()
            """,
            Sql.SET_LOCK_TIMEOUT,
            """
            SET LOCK_TIMEOUT ?
            """));
  }

  @Override
  public boolean speaks(String productName) {
    return productName.equals("h2");
  }

  @Override
  public SqlErrors.@Nullable Kind classify(String sqlState, int vendorCode) {
    return vendorCode == CONCURRENT_UPDATE ? SqlErrors.Kind.CONFLICT : null;
  }
}
