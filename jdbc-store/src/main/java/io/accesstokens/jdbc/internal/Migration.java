package io.accesstokens.jdbc.internal;

import java.util.List;

/**
 * One version of the schema and the file a dialect ships for it.
 *
 * @param version the version, from 1
 * @param description what the version adds, recorded beside it in {@code <prefix>schema_version}
 * @param file the dialect's file under {@code io/accesstokens/jdbc/}
 */
public record Migration(int version, String description, String file) {

  /**
   * Every version of the schema in {@code dialect}'s files, oldest first: version 1 is its schema
   * file, each later version its {@code migration/V<n>-<dialect>.sql}. A new version is one line
   * here and a file for each dialect.
   */
  public static List<Migration> of(Dialect dialect) {
    return List.of(
        new Migration(1, "tokens table and its indexes", dialect.schemaFile()),
        new Migration(2, "change log for other nodes' caches", dialect.migrationFile(2)),
        new Migration(
            3, "indexes for the list's status and environment filters", dialect.migrationFile(3)),
        new Migration(
            4, "each organization's token count, for its limit", dialect.migrationFile(4)),
        new Migration(5, "token expiry column and its index", dialect.migrationFile(5)),
        new Migration(6, "expiry reminders already sent", dialect.migrationFile(6)),
        new Migration(7, "each token's predecessor, one successor each", dialect.migrationFile(7)),
        new Migration(8, "when each token was last used", dialect.migrationFile(8)),
        new Migration(
            9, "successors that retire their predecessor on first use", dialect.migrationFile(9)),
        new Migration(10, "where each token's last use came from", dialect.migrationFile(10)));
  }
}
