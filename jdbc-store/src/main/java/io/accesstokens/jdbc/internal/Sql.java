package io.accesstokens.jdbc.internal;

import org.jspecify.annotations.Nullable;

/**
 * Every statement the store runs, in the portable form (the one H2 takes), each written once as a
 * text block. A {@link Dialect} overrides only the statements its database words differently, and
 * supplies the ones that have no portable form (those with a {@code null} text here: a dialect
 * without them does without, as {@link Dialect} says). {@link SqlStatements} resolves them all once
 * per store.
 *
 * <p>In a text: {@code ${prefix}} is the table prefix, the only text ever put into SQL (checked
 * against its allow-list); {@code ${tokenColumns}} and {@code ${changeColumns}} are {@link
 * TokenRows#COLUMNS} and {@link ChangeRows#COLUMNS}, the column lists in the order the row readers
 * read them; a line in square brackets is an optional clause (see {@link SqlStatements#variant}).
 * Every value is a bound parameter. Lines are joined by single spaces, so a statement reads the
 * same in a database's log whatever its layout here.
 *
 * <p>A new statement is one constant here; a statement a dialect words differently is one entry in
 * that dialect's overrides.
 */
public enum Sql {
  // ---- tokens -----------------------------------------------------------------------------------

  /** Binds every column, in {@link TokenRows#COLUMNS} order. */
  INSERT(
      """
      INSERT INTO ${prefix}tokens (${tokenColumns})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """),

  /** Binds id_key and organization. */
  FIND_BY_ID(
      """
      SELECT ${tokenColumns} FROM ${prefix}tokens
      WHERE id_key = ? AND organization = ?
      """),

  /** The validator's lookup; binds the digest and its key id. */
  FIND_BY_DIGEST(
      """
      SELECT ${tokenColumns} FROM ${prefix}tokens
      WHERE digest = ? AND digest_key_id = ?
      """),

  /**
   * One organization's page, by creation time then id. The optional clauses, in this order: the
   * environment filter, the status filter, strictly after the cursor's (created_at, id_key), which
   * binds created_at, created_at, id_key (its first term gives every engine a range start on the
   * list index), the expiry window (schema version 5), which binds its start and end, and unused
   * since (schema version 8), which binds the instant twice. Binds the organization, the optional
   * clauses' values, then the limit.
   */
  LIST(
      """
      SELECT ${tokenColumns} FROM ${prefix}tokens WHERE organization = ?
      [AND environment = ?]
      [AND status = ?]
      [AND created_at >= ? AND (created_at > ? OR id_key > ?)]
      [AND expires_at >= ? AND expires_at < ?]
      [AND (last_used_at < ? OR (last_used_at IS NULL AND created_at < ?))]
      ORDER BY created_at, id_key LIMIT ?
      """),

  /**
   * The unfiltered page (no environment, status or expiry filter) where a dialect words it
   * differently from {@link #LIST}; no portable text, so the others run {@link #LIST}'s unfiltered
   * variants ({@link SqlStatements#list} chooses). MariaDB's forces the list index: with the cursor
   * deep in a large organization it otherwise takes {@code ref} on the organization alone and walks
   * every entry before the cursor (benchmarks/results/list-plans/mariadb.md). Its one optional
   * clause is {@link #LIST}'s cursor clause, so it binds the same parameters in the same order.
   */
  LIST_UNFILTERED(null),

  /**
   * An expiry reminder's conditional write (schema version 6): wins only if the row still has the
   * expiry and was not reminded at this threshold or a tighter one for it. Binds the expiry and the
   * threshold (milliseconds) to set, then id_key, organization, the expiry, the expiry and the
   * threshold.
   */
  MARK_REMINDED(
      """
      UPDATE ${prefix}tokens SET reminded_for = ?, reminded_within_ms = ?
      WHERE id_key = ? AND organization = ? AND expires_at = ?
      AND (reminded_for IS NULL OR reminded_for <> ? OR reminded_within_ms > ?)
      """),

  /**
   * A use's monotonic maximum (schema versions 8 and 10): raises last_used_at to the use's time,
   * only if it is later than the stored one (or none is stored), so a slow node never moves it
   * back, and sets last_used_from to that use's source (NULL when none was passed) in the same
   * statement, so the stored source is always the stored time's; neither the version nor updated_at
   * changes, and no change is logged. A row that needs no raise is not written at all. Binds the
   * time, the source, id_key, organization, then the time again.
   */
  RECORD_LAST_USED(
      """
      UPDATE ${prefix}tokens SET last_used_at = ?, last_used_from = ?
      WHERE id_key = ? AND organization = ? AND (last_used_at IS NULL OR last_used_at < ?)
      """),

  /** Binds the limit. */
  SCAN_FIRST(
      """
      SELECT ${tokenColumns} FROM ${prefix}tokens ORDER BY id_key LIMIT ?
      """),

  /** Binds the id_key to read after, and the limit. */
  SCAN_AFTER(
      """
      SELECT ${tokenColumns} FROM ${prefix}tokens WHERE id_key > ? ORDER BY id_key LIMIT ?
      """),

  /**
   * The compare-and-set: binds the mutable fields, then id_key, organization and expected version.
   */
  UPDATE(
      """
      UPDATE ${prefix}tokens SET status = ?, description = ?, updated_at = ?, version = ?,
      digest_key_id = ?, digest = ?, sealed_key_id = ?, sealed_value = ?, expires_at = ?
      WHERE id_key = ? AND organization = ? AND version = ?
      """),

  /**
   * A rotation's first statement (schema version 7): the predecessor's compare-and-set, which locks
   * its row to the commit, so a concurrent rotation of the same token waits here and then finds
   * another version. Binds updated_at, version and expires_at, then id_key, organization and the
   * expected version.
   */
  ROTATE_PREDECESSOR(
      """
      UPDATE ${prefix}tokens SET updated_at = ?, version = ?, expires_at = ?
      WHERE id_key = ? AND organization = ? AND version = ?
      """),

  /**
   * The token's successor, if it has one (schema version 7): a plain read, not a locking one (a
   * locking read of an absent key takes a gap lock on MariaDB, on which two rotations of other
   * tokens could deadlock); on PostgreSQL and MariaDB the unique index {@code tokens_successor_uq}
   * refuses a successor committed after this read. Binds organization and the predecessor's id_key.
   */
  SUCCESSOR_OF(
      """
      SELECT id_key FROM ${prefix}tokens WHERE organization = ? AND rotated_from = ?
      """),

  /**
   * A retirement's first statement (schema version 9): clears the successor's flag if it is still
   * set, which locks its row to the commit, so of several nodes retiring at once one changes the
   * row and the others, once it commits, find the flag cleared and change nothing. Binds the new
   * flag (false), the updated time (kept if the stored one is later), then id_key, organization and
   * the flag expected (true).
   */
  CLEAR_RETIREMENT_FLAG(
      """
      UPDATE ${prefix}tokens SET retires_predecessor = ?, version = version + 1,
      updated_at = GREATEST(updated_at, ?)
      WHERE id_key = ? AND organization = ? AND retires_predecessor = ?
      """),

  /**
   * A retirement's deactivation of the predecessor (schema version 9), only if it is still Active
   * (one a person deactivated meanwhile is left as it is). Binds the new status, the updated time
   * (kept if the stored one is later), then id_key, organization and the status expected.
   */
  RETIRE_PREDECESSOR(
      """
      UPDATE ${prefix}tokens SET status = ?, version = version + 1,
      updated_at = GREATEST(updated_at, ?)
      WHERE id_key = ? AND organization = ? AND status = ?
      """),

  /**
   * After an update changed nothing: is the row absent, or at another version? A locking read, so
   * it sees the newest committed row even in a transaction whose snapshot is older (MariaDB's
   * REPEATABLE READ). Binds id_key and organization.
   */
  VERSION_OF(
      """
      SELECT version FROM ${prefix}tokens WHERE id_key = ? AND organization = ? FOR UPDATE
      """),

  /**
   * A delete's first step where there is no {@link #DELETE_RETURNING}; binds id_key, organization.
   */
  LOCK_FOR_DELETE(
      """
      SELECT ${tokenColumns} FROM ${prefix}tokens
      WHERE id_key = ? AND organization = ? FOR UPDATE
      """),

  /** Binds id_key and organization. */
  DELETE(
      """
      DELETE FROM ${prefix}tokens WHERE id_key = ? AND organization = ?
      """),

  /**
   * Deletes the row and returns its columns in one statement; where a dialect has it, deletes run
   * it instead of {@link #LOCK_FOR_DELETE} and {@link #DELETE}. Binds id_key and organization.
   */
  DELETE_RETURNING(null),

  // ---- the change log (schema version 2) --------------------------------------------------------

  /**
   * A change, inserted as the last statement of its transaction; the sequence comes from the
   * table's identity. Binds id_key, change_type, version and changed_at; where the dialect
   * {@linkplain Dialect#notifiesChanges() notifies}, also the channel, fifth.
   */
  INSERT_CHANGE(
      """
      INSERT INTO ${prefix}changes (id_key, change_type, version, changed_at)
      VALUES (?, ?, ?, ?)
      """),

  /** Binds the sequence to read after, and the limit. */
  CHANGES_AFTER(
      """
      SELECT ${changeColumns} FROM ${prefix}changes WHERE seq > ? ORDER BY seq LIMIT ?
      """),

  /**
   * At least the sequence of every committed change: the newest row (pruning never deletes it), or
   * the marker should the table be empty.
   */
  CHANGE_HEAD(
      """
      SELECT GREATEST(COALESCE((SELECT MAX(seq) FROM ${prefix}changes), 0),
      COALESCE((SELECT pruned_through FROM ${prefix}changes_pruned WHERE id = 1), 0))
      """),

  PRUNED_THROUGH(
      """
      SELECT pruned_through FROM ${prefix}changes_pruned WHERE id = 1
      """),

  /** Pruners queue on the marker row, so two never delete at once. */
  LOCK_PRUNE_MARKER(
      """
      SELECT pruned_through FROM ${prefix}changes_pruned WHERE id = 1 FOR UPDATE
      """),

  /**
   * The newest change written before the cutoff (binds it, in epoch microseconds), never the newest
   * change of all: the newest row keeps {@link #CHANGE_HEAD} honest and an AUTO_INCREMENT counter
   * from restarting at an empty table's 1 on servers that recompute it at startup.
   */
  PRUNE_BOUND(
      """
      SELECT MAX(seq) FROM ${prefix}changes
      WHERE changed_at < ? AND seq < (SELECT MAX(seq) FROM ${prefix}changes)
      """),

  /** Deletes every change up to the bound (binds it): the marker's promise is "all of them". */
  DELETE_CHANGES_THROUGH(
      """
      DELETE FROM ${prefix}changes WHERE seq <= ?
      """),

  /** Binds the new marker twice; never lowers it. */
  RAISE_PRUNE_MARKER(
      """
      UPDATE ${prefix}changes_pruned SET pruned_through = ? WHERE id = 1 AND pruned_through < ?
      """),

  /**
   * Where the dialect {@linkplain Dialect#notifiesChanges() notifies}: starts listening on the
   * change channel, {@code <prefix>changes}; also the listener's liveness probe.
   */
  LISTEN(null),

  /** Stops listening on the change channel, before a listening connection goes back to its pool. */
  UNLISTEN(null),

  // ---- each organization's token count, for its limit (schema version 4) ------------------------

  /**
   * An insert's first statement: takes one of the organization's places if fewer than the limit are
   * taken, locking its count row until the commit, so inserts on every node queue on it and never
   * exceed the limit. Binds the organization and the limit; changes no row at the limit, or when
   * the organization has no count row yet.
   */
  TAKE_TOKEN_PLACE(
      """
      UPDATE ${prefix}organization_counts SET token_count = token_count + 1
      WHERE organization = ? AND token_count < ?
      """),

  /**
   * After {@link #TAKE_TOKEN_PLACE} changed nothing: at the limit, or no row yet? A locking read,
   * so it sees the newest committed row. Binds the organization.
   */
  TOKEN_COUNT_OF(
      """
      SELECT token_count FROM ${prefix}organization_counts WHERE organization = ? FOR UPDATE
      """),

  /**
   * The organization's count row, made in a statement of its own before its first insert (or by
   * migration 4 for the tokens stored before it), counting the tokens it already holds: no insert
   * stores a token without a count row to take a place in, so the count is exact. Binds the
   * organization twice. Where a dialect cannot say "unless it is there", two nodes may both try;
   * the loser's duplicate key is ignored.
   */
  INSERT_TOKEN_COUNT(
      """
      INSERT INTO ${prefix}organization_counts (organization, token_count)
      SELECT ?, COUNT(*) FROM ${prefix}tokens WHERE organization = ?
      """),

  /** A delete that removed a row gives its place back. Binds the organization. */
  RELEASE_TOKEN_PLACE(
      """
      UPDATE ${prefix}organization_counts SET token_count = token_count - 1
      WHERE organization = ? AND token_count > 0
      """),

  // ---- the schema's own bookkeeping -------------------------------------------------------------

  CREATE_SCHEMA_VERSION_TABLE(
      """
      CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
      version INT NOT NULL,
      description VARCHAR(200) NOT NULL,
      applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
      CONSTRAINT ${prefix}schema_version_pk PRIMARY KEY (version))
      """),

  SELECT_SCHEMA_VERSIONS(
      """
      SELECT version FROM ${prefix}schema_version ORDER BY version
      """),

  /** Binds the version and its description. */
  INSERT_SCHEMA_VERSION(
      """
      INSERT INTO ${prefix}schema_version (version, description) VALUES (?, ?)
      """),

  /**
   * For {@link MigrationLock#ADVISORY_KEY} and {@link MigrationLock#NAMED_LOCK}: takes the
   * session-level lock (one result column; true or 1 when taken).
   */
  MIGRATION_LOCK(null),

  /** Releases the lock {@link #MIGRATION_LOCK} took. */
  MIGRATION_UNLOCK(null),

  /** For {@link MigrationLock#LOCK_ROW}: the table of the row a migrating node holds FOR UPDATE. */
  CREATE_SCHEMA_LOCK_TABLE(null),

  /** For {@link MigrationLock#LOCK_ROW}: inserts the row unless it is there. */
  INSERT_SCHEMA_LOCK_ROW(null),

  /**
   * For {@link MigrationLock#LOCK_ROW}: the locking read that waits for another node's migration.
   */
  LOCK_SCHEMA_LOCK_ROW(null),

  /** For {@link MigrationLock#LOCK_ROW}: reads the session's lock timeout in milliseconds. */
  LOCK_TIMEOUT_OF_SESSION(null),

  /**
   * For {@link MigrationLock#LOCK_ROW}: sets the session's lock timeout in milliseconds (binds it).
   */
  SET_LOCK_TIMEOUT(null);

  private final @Nullable String portable;

  Sql(@Nullable String portable) {
    this.portable = portable;
  }

  /** The portable text, or {@code null} where only a dialect can say it. */
  @Nullable String portable() {
    return portable;
  }
}
