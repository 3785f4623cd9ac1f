package io.accesstokens.jdbc;

import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionSource;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenStatus;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Redaction;
import io.accesstokens.jdbc.internal.ChangeRows;
import io.accesstokens.jdbc.internal.JdbcAccess;
import io.accesstokens.jdbc.internal.Migration;
import io.accesstokens.jdbc.internal.SchemaMigrator;
import io.accesstokens.jdbc.internal.Sql;
import io.accesstokens.jdbc.internal.SqlErrors;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.accesstokens.jdbc.internal.TokenRows;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.spi.LastUse;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} in a relational database, reached through the host's {@link DataSource} (the
 * library bundles no pool and no driver):
 *
 * <pre>{@code
 * JdbcTokenStore store = JdbcTokenStore.builder(dataSource)
 *     .tablePrefix("at_")                    // the default
 *     .build();                              // detects H2, PostgreSQL or MariaDB/MySQL
 * store.migrate();                           // creates or upgrades the tables; safe on every start
 * }</pre>
 *
 * <p>Every write is one transaction: the row changes together with its change record. Updates are
 * compare-and-set on the row's version, so two nodes on one database never lose an update; a delete
 * is never undone by a concurrent change. Times are kept to the microsecond, ids in their unsigned
 * order, and descriptions in full Unicode. Like every store it keeps digests and sealed values
 * only, never clear values.
 *
 * <p><b>Several nodes.</b> Creations, status changes, description edits and deletes are also
 * written to a change log ({@code <prefix>changes}), in the same transaction and as its last
 * statement, so the log's sequence number is taken right before the commit; on PostgreSQL the
 * statement also sends {@code pg_notify}, which the database delivers at commit. {@link
 * #changeFeed()} reads the log for a {@link io.accesstokens.ChangeFollower} on each node, which
 * keeps that node's validator coherent:
 *
 * <pre>{@code
 * ChangeFollower follower = ChangeFollower.builder(store.changeFeed()).build();
 * TokenValidator validator = TokenValidator.builder(service).changeFollower(follower).build();
 * }</pre>
 *
 * <p>The follower relies on every write transaction committing within its {@code
 * longestTransaction} (default 5 s) of taking its sequence number. The store bounds the statement
 * that takes it by {@link Builder#changeLogTimeout} (default 2 s) and logs a warning for any change
 * whose commit came later than that; keep the follower's {@code longestTransaction} above the
 * change-log timeout plus the longest the database may take to commit.
 *
 * <p>SQL errors become {@link io.accesstokens.DuplicateTokenException} (a constraint), {@link
 * TokenConflictException} (a serialization failure or deadlock) or {@link
 * StoreUnavailableException} (connection, timeout, anything else); no message carries a driver's
 * text, which can quote stored values.
 *
 * <p>Immutable and thread-safe; it holds no connection between calls.
 */
public final class JdbcTokenStore implements TokenStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcTokenStore.class);

  /** The table prefix unless one is set. */
  public static final String DEFAULT_TABLE_PREFIX = "at_";

  /** The query timeout unless one is set. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);

  /** The change-log timeout unless one is set. */
  public static final Duration DEFAULT_CHANGE_LOG_TIMEOUT = Duration.ofSeconds(2);

  /** How long {@link #migrate()} waits for another node's migration unless set. */
  public static final Duration DEFAULT_MIGRATION_LOCK_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /**
   * A delete applies whatever the version, so one rolled back by a deadlock or a snapshot conflict
   * (MariaDB picks it as the victim again and again while updates of the same row keep committing)
   * simply runs again, after a short random pause that lets it get between those updates. A
   * last-used flush, as idempotent, runs again as often.
   */
  private static final int DELETE_ATTEMPTS = 10;

  /**
   * An insert that found no count row makes it and runs again; making it may lose a race to another
   * insert making it at once, so a few times, and then the store gives up.
   */
  private static final int INSERT_ATTEMPTS = 6;

  private static final long DELETE_BACKOFF_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final JdbcDialect dialect;
  private final SqlStatements sql;

  /** Connections, bounds, transactions and error translation: see {@link JdbcAccess}. */
  private final JdbcAccess jdbc;

  /** Whether a delete is one statement that returns the row ({@link Sql#DELETE_RETURNING}). */
  private final boolean deleteReturns;

  private final Duration queryTimeout;
  private final Duration changeLogTimeout;
  private final int changeLogTimeoutSeconds;
  private final Duration migrationLockTimeout;

  private JdbcTokenStore(
      DataSource dataSource,
      JdbcDialect dialect,
      String tablePrefix,
      Duration queryTimeout,
      Duration changeLogTimeout,
      Duration migrationLockTimeout) {
    this.dialect = dialect;
    this.sql = new SqlStatements(dialect.internal(), tablePrefix);
    this.jdbc = new JdbcAccess(dataSource, dialect.internal(), queryTimeout);
    this.deleteReturns = sql.has(Sql.DELETE_RETURNING);
    this.queryTimeout = queryTimeout;
    this.changeLogTimeout = changeLogTimeout;
    this.changeLogTimeoutSeconds = Math.toIntExact(changeLogTimeout.toSeconds());
    this.migrationLockTimeout = migrationLockTimeout;
  }

  /**
   * Starts a store on {@code dataSource}, which hands out connections to the database (a pool, or a
   * driver's plain {@code DataSource}).
   *
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Checks.notNull(dataSource, "data source"));
  }

  /**
   * Creates the tables, or applies the migrations the database lacks, each exactly once even when
   * several nodes start at once (they wait for each other on a database lock: an advisory lock on
   * PostgreSQL, {@code GET_LOCK} on MariaDB/MySQL, a locked row on H2, which needs a second
   * connection while it migrates). Safe to call on every start.
   *
   * @return the schema versions this call applied, oldest first; empty when the schema was current
   * @throws StoreUnavailableException if the database cannot be reached, a migration fails, or
   *     another node's migration holds the lock longer than the {@link
   *     Builder#migrationLockTimeout}
   */
  public List<Integer> migrate() {
    return new SchemaMigrator(jdbc, sql, Migration.of(sql.dialect()), migrationLockTimeout)
        .migrate();
  }

  /** The dialect this store speaks, detected or set. */
  public JdbcDialect dialect() {
    return dialect;
  }

  /** The prefix of every table name. */
  public String tablePrefix() {
    return sql.prefix();
  }

  /** The longest any statement of a token operation may run. */
  public Duration queryTimeout() {
    return queryTimeout;
  }

  /**
   * The longest the statement that writes a change record (and takes its sequence number) may run.
   */
  public Duration changeLogTimeout() {
    return changeLogTimeout;
  }

  /** The longest {@link #migrate()} waits for another node's migration. */
  public Duration migrationLockTimeout() {
    return migrationLockTimeout;
  }

  // ---- the change log
  // ----------------------------------------------------------------------------

  /**
   * A new reader of this store's change log for one {@link io.accesstokens.ChangeFollower}, in the
   * dialect's default mode: {@link JdbcChangeFeed.Mode#NOTIFY} on PostgreSQL (with its JDBC driver
   * on the class path), {@link JdbcChangeFeed.Mode#POLLING} elsewhere. The follower closes it.
   */
  public JdbcChangeFeed changeFeed() {
    return changeFeed(
        sql.dialect().notifiesChanges() && JdbcChangeFeed.pgjdbcPresent()
            ? JdbcChangeFeed.Mode.NOTIFY
            : JdbcChangeFeed.Mode.POLLING);
  }

  /**
   * A new reader of this store's change log in {@code mode}, for one {@link
   * io.accesstokens.ChangeFollower}, which closes it. Opens nothing until used.
   *
   * @throws IllegalArgumentException if {@code mode} is {@link JdbcChangeFeed.Mode#NOTIFY} and the
   *     database is not PostgreSQL
   * @throws IllegalStateException if {@code mode} is {@link JdbcChangeFeed.Mode#NOTIFY} and the
   *     PostgreSQL JDBC driver is not on the class path
   */
  public JdbcChangeFeed changeFeed(JdbcChangeFeed.Mode mode) {
    Checks.notNull(mode, "mode");
    Checks.argument(
        mode != JdbcChangeFeed.Mode.NOTIFY || sql.dialect().notifiesChanges(),
        "change notifications (LISTEN/NOTIFY) need PostgreSQL, but this store's dialect is "
            + dialect
            + "; use Mode.POLLING");
    Checks.state(
        mode != JdbcChangeFeed.Mode.NOTIFY || JdbcChangeFeed.pgjdbcPresent(),
        "change notifications (LISTEN/NOTIFY) need the PostgreSQL JDBC driver"
            + " (org.postgresql:postgresql) on the class path; use Mode.POLLING");
    return new JdbcChangeFeed(jdbc, sql, mode);
  }

  // ---- writes: one transaction each
  // --------------------------------------------------------------

  /**
   * One transaction: takes one of the organization's places in its count row ({@code
   * <prefix>organization_counts}, locked to the commit, so inserts on every node queue on it), then
   * inserts the row. An organization without a count row yet gets one, counting the tokens it
   * holds, in a statement of its own, and the insert runs again.
   */
  @Override
  public void insert(StoredToken token, Change change, long maxTokens) {
    Checks.notNull(token, "token");
    Checks.notNull(change, "change");
    checkTokenLimit(maxTokens);
    OrganizationId organization = token.organization();
    for (int attempt = 1; ; attempt++) {
      try {
        write(
            "insert",
            token.id(),
            (connection, changes) -> {
              if (!takePlace(connection, organization, maxTokens)) {
                throw NoCountRow.NONE; // rolled back: the insert's commit is the only one
              }
              try (PreparedStatement insert = jdbc.prepare(connection, sql.get(Sql.INSERT))) {
                TokenRows.bindInsert(insert, token);
                insert.executeUpdate();
              }
              changes.record(connection, organization, token.id(), token.version(), change);
              return token;
            });
        return;
      } catch (NoCountRow e) {
        if (e == NoCountRow.RACED && attempt < INSERT_ATTEMPTS) {
          // The row was made between the update and the read: its place is there to take.
          log.debug("Organization {} got its token count meanwhile; running again", organization);
          continue;
        }
        if (attempt >= INSERT_ATTEMPTS) {
          throw new StoreUnavailableException(
              "insert of token "
                  + token.id()
                  + " found no token count of its organization after making it "
                  + (attempt - 1)
                  + " times");
        }
        log.debug("Organization {} has no token count yet", organization);
        addCountRow(organization);
      } catch (DuplicateTokenException e) {
        throw e;
      } catch (TokenConflictException e) {
        // A deadlock or a snapshot conflict rolled the whole insert back: nothing was written.
        if (attempt >= INSERT_ATTEMPTS) {
          throw e;
        }
        log.debug(
            "Insert of token {} was rolled back for a concurrent change; running it again",
            token.id());
        pause();
      }
    }
  }

  /** A short random pause before a write runs again, ending early (and failing) on an interrupt. */
  private static void pause() {
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000L, 2_000_000L));
    if (Thread.currentThread().isInterrupted()) {
      throw new StoreUnavailableException("a write was interrupted while waiting to run again");
    }
  }

  /**
   * Takes one of the organization's places, locking its count row.
   *
   * @return false if the organization has no count row yet ({@link NoCountRow#RACED} is thrown if
   *     one was made between the update and the read)
   * @throws TokenLimitExceededException if it holds {@code maxTokens} tokens or more
   */
  private boolean takePlace(Connection connection, OrganizationId organization, long maxTokens)
      throws SQLException {
    try (PreparedStatement take = jdbc.prepare(connection, sql.get(Sql.TAKE_TOKEN_PLACE))) {
      take.setString(1, organization.value());
      take.setLong(2, maxTokens);
      if (take.executeUpdate() == 1) {
        return true;
      }
    }
    long held;
    try (PreparedStatement count = jdbc.prepare(connection, sql.get(Sql.TOKEN_COUNT_OF))) {
      count.setString(1, organization.value());
      try (ResultSet rs = count.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        held = rs.getLong(1);
      }
    }
    if (held < maxTokens) {
      // The update found no row, which another insert committed before this read: not a limit.
      throw NoCountRow.RACED;
    }
    log.debug(
        "Insert in organization {} refused: it holds {} tokens, its limit is {}",
        organization,
        held,
        maxTokens);
    throw new TokenLimitExceededException(organization, maxTokens);
  }

  /**
   * An insert found no count row of its organization: thrown out of its transaction so that it is
   * rolled back, not committed, and caught by {@link #insert}. Carries no stack trace.
   */
  private static final class NoCountRow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The organization has no count row: make it, then run again. */
    static final NoCountRow NONE = new NoCountRow("no token count row");

    /**
     * The update found no row but the read after it did, made and committed in between by another
     * insert (READ COMMITTED reads each statement's own snapshot): run again, nothing to make.
     */
    static final NoCountRow RACED = new NoCountRow("token count row made meanwhile");

    private NoCountRow(String message) {
      super(message, null, false, false);
    }
  }

  /** Makes the organization's count row unless it is there, in a statement of its own. */
  private void addCountRow(OrganizationId organization) {
    try {
      jdbc.inAutoCommit(
          "token count",
          null,
          connection -> {
            try (PreparedStatement add =
                jdbc.prepare(connection, sql.get(Sql.INSERT_TOKEN_COUNT))) {
              add.setString(1, organization.value());
              add.setString(2, organization.value());
              return add.executeUpdate();
            }
          });
      log.debug("Counted the tokens of organization {} for its limit", organization);
    } catch (TokenConflictException e) {
      // A duplicate key (another insert made it first, on H2) or a deadlock between two inserts
      // making it at once (MariaDB's shared locks): the row is there or about to be; the insert
      // runs again either way, after a short random pause.
      log.debug(
          "Another insert counted the tokens of organization {} at the same time", organization);
      pause();
    }
  }

  @Override
  public void update(StoredToken next, Change change) {
    Checks.notNull(next, "next");
    Checks.notNull(change, "change");
    write(
        "update",
        next.id(),
        (connection, changes) -> {
          int changed;
          try (PreparedStatement update = jdbc.prepare(connection, sql.get(Sql.UPDATE))) {
            TokenRows.bindUpdate(update, next);
            changed = update.executeUpdate();
          }
          if (changed == 0) {
            // Decided in the same transaction: absent (never brought back) or at another version.
            long stored = storedVersion(connection, next.organization(), next.id());
            if (stored < 0) {
              log.debug(
                  "Update of token {} found no such token in organization {}",
                  next.id(),
                  next.organization());
              throw new TokenNotFoundException(next.organization(), next.id());
            }
            log.debug(
                "Update of token {} lost a race: expected version {}, stored {}",
                next.id(),
                next.version() - 1,
                stored);
            throw TokenConflictException.versionMismatch(next.id(), next.version() - 1, stored);
          }
          changes.record(connection, next.organization(), next.id(), next.version(), change);
          return next;
        });
  }

  /**
   * One transaction: the predecessor's compare-and-set first (it locks the row, so of two rotations
   * of one token the second waits for the first and then finds another version), then the check
   * that it has no successor yet, the organization's place ({@link #insert}'s count row), the
   * successor's row, and the two change records last. On PostgreSQL and MariaDB the unique index on
   * {@code (rotated_from, organization)} (schema version 7) refuses a second successor whatever got
   * past the check; H2 has none (an index there made updates of one organization's tokens wait for
   * each other) and relies on the row lock and the check. Not retried on a deadlock or snapshot
   * conflict: the caller gets {@link TokenConflictException}, as for a concurrent change.
   */
  @Override
  public void rotate(
      StoredToken predecessorNext, StoredToken successor, Change change, long maxTokens) {
    Checks.notNull(predecessorNext, "predecessor");
    Checks.notNull(successor, "successor");
    Checks.notNull(change, "change");
    checkTokenLimit(maxTokens);
    TokenId predecessorId = predecessorNext.id();
    OrganizationId organization = predecessorNext.organization();
    Checks.argument(
        predecessorId.equals(successor.token().rotatedFrom()),
        "the successor must name token " + predecessorId + " as the token it was rotated from");
    Checks.argument(
        organization.equals(successor.organization()),
        "the successor must be of the predecessor's organization");
    // Kinds every follower knows: the predecessor's as a status change (its expiry changed), the
    // successor's as a creation (for the issued ids).
    Change changed = new Change(TokenEventType.STATUS_CHANGED, change.actor(), change.at());
    Change created = new Change(TokenEventType.CREATED, change.actor(), change.at());
    for (int attempt = 1; ; attempt++) {
      try {
        write(
            "rotation",
            predecessorId,
            (connection, changes) -> {
              int updated;
              try (PreparedStatement update =
                  jdbc.prepare(connection, sql.get(Sql.ROTATE_PREDECESSOR))) {
                TokenRows.bindRotatedPredecessor(update, predecessorNext);
                updated = update.executeUpdate();
              }
              if (updated == 0) {
                long stored = storedVersion(connection, organization, predecessorId);
                if (stored < 0) {
                  throw new TokenNotFoundException(organization, predecessorId);
                }
                log.debug(
                    "Rotation of token {} lost a race: expected version {}, stored {}",
                    predecessorId,
                    predecessorNext.version() - 1,
                    stored);
                throw TokenConflictException.versionMismatch(
                    predecessorId, predecessorNext.version() - 1, stored);
              }
              Optional<TokenId> existing = successorOf(connection, organization, predecessorId);
              if (existing.isPresent()) {
                throw alreadyRotated(predecessorId, existing.get());
              }
              if (!takePlace(connection, organization, maxTokens)) {
                throw NoCountRow.NONE;
              }
              try (PreparedStatement insert = jdbc.prepare(connection, sql.get(Sql.INSERT))) {
                TokenRows.bindInsert(insert, successor);
                insert.executeUpdate();
              }
              changes.record(
                  connection, organization, predecessorId, predecessorNext.version(), changed);
              changes.record(connection, organization, successor.id(), 1, created);
              return Boolean.TRUE;
            });
        return;
      } catch (NoCountRow e) {
        if (e == NoCountRow.RACED && attempt < INSERT_ATTEMPTS) {
          continue;
        }
        if (attempt >= INSERT_ATTEMPTS) {
          throw new StoreUnavailableException(
              "rotation of token "
                  + predecessorId
                  + " found no token count of its organization after making it "
                  + (attempt - 1)
                  + " times");
        }
        addCountRow(organization);
      } catch (DuplicateTokenException e) {
        // The successor's id or digest, or the unique index on the predecessor: a successor stored
        // by a rotation that committed after this one's check. Only a read can tell which.
        Optional<TokenId> existing =
            jdbc.read(
                "successor lookup",
                predecessorId,
                connection -> successorOf(connection, organization, predecessorId));
        if (existing.isPresent() && !existing.get().equals(successor.id())) {
          throw alreadyRotated(predecessorId, existing.get());
        }
        throw e;
      }
    }
  }

  /**
   * One transaction: the successor's flag is cleared first, by a conditional update that locks its
   * row ({@link Sql#CLEAR_RETIREMENT_FLAG}), so of several nodes retiring at once one goes on and
   * the others change nothing; then the predecessor, read by the successor's {@code rotated_from},
   * is made Inactive if it is still Active; the change records last. Not retried on a deadlock or
   * snapshot conflict: the caller (a validator) tries again on a later use.
   */
  @Override
  public Optional<AccessToken> retirePredecessor(
      OrganizationId organization, TokenId successor, Change change) {
    Checks.notNull(organization, "organization");
    Checks.notNull(successor, "successor");
    Checks.notNull(change, "change");
    Change changed = new Change(TokenEventType.STATUS_CHANGED, change.actor(), change.at());
    long at = TokenRows.micros(change.at());
    return write(
        "predecessor retirement",
        successor,
        (connection, changes) -> {
          try (PreparedStatement clear =
              jdbc.prepare(connection, sql.get(Sql.CLEAR_RETIREMENT_FLAG))) {
            clear.setBoolean(1, false);
            clear.setLong(2, at);
            bindIdAndOrganization(clear, 3, successor, organization);
            clear.setBoolean(5, true);
            if (clear.executeUpdate() == 0) {
              return Optional.<AccessToken>empty(); // absent, or retired already
            }
          }
          AccessToken cleared = findIn(connection, organization, successor).orElseThrow();
          TokenId predecessorId = cleared.rotatedFrom();
          Optional<AccessToken> retired = Optional.empty();
          if (predecessorId != null) {
            int deactivated;
            try (PreparedStatement retire =
                jdbc.prepare(connection, sql.get(Sql.RETIRE_PREDECESSOR))) {
              retire.setString(1, TokenStatus.INACTIVE.name());
              retire.setLong(2, at);
              bindIdAndOrganization(retire, 3, predecessorId, organization);
              retire.setString(5, TokenStatus.ACTIVE.name());
              deactivated = retire.executeUpdate();
            }
            if (deactivated == 1) {
              retired = findIn(connection, organization, predecessorId);
              changes.record(
                  connection,
                  organization,
                  predecessorId,
                  retired.orElseThrow().version(),
                  changed);
            }
          }
          changes.record(connection, organization, successor, cleared.version(), changed);
          return retired;
        });
  }

  /** The row, read in the caller's transaction (its own writes included). */
  private Optional<AccessToken> findIn(
      Connection connection, OrganizationId organization, TokenId id) throws SQLException {
    try (PreparedStatement select = jdbc.prepare(connection, sql.get(Sql.FIND_BY_ID))) {
      bindIdAndOrganization(select, id, organization);
      return first(select).map(StoredToken::token);
    }
  }

  /** The token limit insert and rotate take: 0 refuses every create, and none is negative. */
  private static void checkTokenLimit(long maxTokens) {
    Checks.argument(
        maxTokens >= 0,
        "a token limit must not be negative (0 refuses every create), was " + maxTokens);
  }

  private static TokenConflictException alreadyRotated(TokenId predecessor, TokenId successor) {
    return TokenConflictException.notRotatable(
        predecessor, "it was already rotated (its successor is " + successor + ")");
  }

  /** The token's successor, read in the caller's transaction; empty if it has none. */
  private Optional<TokenId> successorOf(
      Connection connection, OrganizationId organization, TokenId predecessor) throws SQLException {
    try (PreparedStatement select = jdbc.prepare(connection, sql.get(Sql.SUCCESSOR_OF))) {
      select.setString(1, organization.value());
      select.setLong(2, TokenRows.key(predecessor));
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(TokenRows.id(rs.getLong(1))) : Optional.empty();
      }
    }
  }

  @Override
  public Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change) {
    Checks.notNull(organization, "organization");
    Checks.notNull(id, "token id");
    Checks.notNull(change, "change");
    for (int attempt = 1; ; attempt++) {
      try {
        return write(
            "delete",
            id,
            (connection, changes) -> {
              StoredToken removed = deleteRow(connection, organization, id);
              if (removed != null) {
                try (PreparedStatement release =
                    jdbc.prepare(connection, sql.get(Sql.RELEASE_TOKEN_PLACE))) {
                  release.setString(1, organization.value());
                  release.executeUpdate();
                }
                changes.record(connection, organization, id, removed.version(), change);
              }
              return Optional.ofNullable(removed);
            });
      } catch (TokenConflictException e) {
        if (attempt >= DELETE_ATTEMPTS) {
          throw e;
        }
        log.debug(
            "Delete of token {} was rolled back for a concurrent change; running it again", id);
        long bound = Math.min(DELETE_BACKOFF_MAX_NANOS, 250_000L << attempt);
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(bound / 2, bound));
        if (Thread.currentThread().isInterrupted()) {
          throw new StoreUnavailableException(
              "delete of token " + id + " was interrupted while retrying");
        }
      }
    }
  }

  /**
   * One change-log row with the organization's key ({@link ChangeRecord#organizationKey}) in the
   * token id's column and version 0, in a transaction of its own; no token row changes.
   */
  @Override
  public void recordEntitlementChange(OrganizationId organization, Change change) {
    Checks.notNull(organization, "organization");
    Checks.notNull(change, "change");
    TokenId key = ChangeRecord.organizationKey(organization);
    write(
        "entitlement change",
        null,
        (connection, changes) -> {
          changes.record(connection, organization, key, 0, change);
          return Boolean.TRUE;
        });
  }

  private @Nullable StoredToken deleteRow(
      Connection connection, OrganizationId organization, TokenId id) throws SQLException {
    if (deleteReturns) {
      try (PreparedStatement delete = jdbc.prepare(connection, sql.get(Sql.DELETE_RETURNING))) {
        bindIdAndOrganization(delete, id, organization);
        try (ResultSet rs = delete.executeQuery()) {
          return rs.next() ? TokenRows.read(rs) : null;
        }
      }
    }
    StoredToken current;
    try (PreparedStatement lock = jdbc.prepare(connection, sql.get(Sql.LOCK_FOR_DELETE))) {
      bindIdAndOrganization(lock, id, organization);
      try (ResultSet rs = lock.executeQuery()) {
        current = rs.next() ? TokenRows.read(rs) : null;
      }
    }
    if (current != null) {
      try (PreparedStatement delete = jdbc.prepare(connection, sql.get(Sql.DELETE))) {
        bindIdAndOrganization(delete, id, organization);
        delete.executeUpdate();
      }
    }
    return current;
  }

  /**
   * The change-log hook of one write: called inside the write's transaction as its last statement,
   * after the row changed, so the record commits or rolls back with it and its sequence number is
   * taken as close to the commit as the transaction allows. Creations, status changes, description
   * edits and deletes are logged ({@link ChangeRows#LOGGED}); the statement that takes the number
   * runs under the change-log timeout, and the time from taking it to the commit is watched.
   */
  private final class ChangeLog {
    private long takenAt = Long.MIN_VALUE;

    void record(
        Connection connection, OrganizationId organization, TokenId id, long version, Change change)
        throws SQLException {
      log.trace(
          "Change {} of token {} in organization {} at version {} by {}",
          change.type(),
          id,
          organization,
          version,
          change.actor());
      if (!ChangeRows.LOGGED.contains(change.type())) {
        return;
      }
      try (PreparedStatement insert =
          jdbc.prepare(connection, sql.get(Sql.INSERT_CHANGE), changeLogTimeoutSeconds)) {
        ChangeRows.bindInsert(insert, id, version, change);
        if (sql.dialect().notifiesChanges()) {
          insert.setString(5, sql.changeChannel());
        }
        takenAt = System.nanoTime();
        insert.execute();
      }
    }

    /**
     * After the commit: a change that took longer than the timeout may have been given up as a gap.
     */
    void committed(String operation, @Nullable TokenId id) {
      if (takenAt == Long.MIN_VALUE) {
        return;
      }
      long tookNanos = System.nanoTime() - takenAt;
      if (tookNanos > changeLogTimeout.toNanos()) {
        log.warn(
            "The {} committed {} ms after taking its change-log sequence number, longer than the"
                + " change-log timeout ({}); a node whose ChangeFollower.longestTransaction is"
                + " shorter than that may have missed it and can keep a stale cached answer until"
                + " its hard expiry",
            JdbcAccess.describe(operation, id),
            tookNanos / 1_000_000,
            changeLogTimeout);
      }
    }
  }

  /** The stored version of the token, or -1 if the organization has no such token. */
  private long storedVersion(Connection connection, OrganizationId organization, TokenId id)
      throws SQLException {
    try (PreparedStatement select = jdbc.prepare(connection, sql.get(Sql.VERSION_OF))) {
      bindIdAndOrganization(select, id, organization);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  // ---- reads
  // -------------------------------------------------------------------------------------

  @Override
  public Optional<StoredToken> find(OrganizationId organization, TokenId id) {
    Checks.notNull(organization, "organization");
    Checks.notNull(id, "token id");
    return jdbc.read(
        "find",
        id,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql.get(Sql.FIND_BY_ID))) {
            bindIdAndOrganization(select, id, organization);
            return first(select);
          }
        });
  }

  @Override
  public Optional<StoredToken> findByDigest(LookupDigest digest) {
    Checks.notNull(digest, "digest");
    return jdbc.read(
        "lookup by digest",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(sql.get(Sql.FIND_BY_DIGEST))) {
            select.setBytes(1, digest.value());
            select.setString(2, digest.keyId());
            return first(select);
          }
        });
  }

  @Override
  public List<StoredToken> list(
      OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit) {
    Checks.notNull(organization, "organization");
    Checks.notNull(filter, "filter");
    if (limit <= 0) {
      return List.of();
    }
    String statement =
        sql.list(
            filter.environment() != null,
            filter.status() != null,
            after != null,
            filter.byExpiry(),
            filter.byUse());
    return jdbc.read(
        "list",
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(statement)) {
            int i = 1;
            select.setString(i++, organization.value());
            if (filter.environment() != null) {
              select.setString(i++, filter.environment().value());
            }
            if (filter.status() != null) {
              select.setString(i++, filter.status().name());
            }
            if (after != null) {
              long createdAt = TokenRows.micros(after.createdAt());
              select.setLong(i++, createdAt);
              select.setLong(i++, createdAt);
              select.setLong(i++, TokenRows.key(after.id()));
            }
            Instant expiresFrom = filter.expiresFrom();
            Instant expiresBefore = filter.expiresBefore();
            if (expiresFrom != null && expiresBefore != null) {
              select.setLong(i++, TokenRows.micros(expiresFrom));
              select.setLong(i++, saturatedMicros(expiresBefore));
            }
            Instant unusedSince = filter.unusedSince();
            if (unusedSince != null) {
              long since = saturatedMicros(unusedSince);
              select.setLong(i++, since);
              select.setLong(i++, since);
            }
            select.setInt(i, limit);
            return all(select, limit);
          }
        });
  }

  /** Epoch microseconds, or Long.MAX_VALUE for an instant beyond them (a window's open end). */
  private static long saturatedMicros(Instant at) {
    try {
      return TokenRows.micros(at);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public boolean markReminded(
      OrganizationId organization, TokenId id, Instant expiresAt, Duration threshold) {
    Checks.notNull(organization, "organization");
    Checks.notNull(id, "token id");
    Checks.notNull(expiresAt, "expires at");
    Checks.notNull(threshold, "threshold");
    long expiry = TokenRows.micros(expiresAt);
    long thresholdMillis = saturatedMillis(threshold);
    return jdbc.inTransaction(
        "expiry reminder",
        id,
        connection -> {
          try (PreparedStatement mark = jdbc.prepare(connection, sql.get(Sql.MARK_REMINDED))) {
            mark.setLong(1, expiry);
            mark.setLong(2, thresholdMillis);
            mark.setLong(3, TokenRows.key(id));
            mark.setString(4, organization.value());
            mark.setLong(5, expiry);
            mark.setLong(6, expiry);
            mark.setLong(7, thresholdMillis);
            return mark.executeUpdate() == 1;
          }
        });
  }

  /**
   * One JDBC batch of {@link Sql#RECORD_LAST_USED} in auto-commit, in id order: each statement is a
   * conditional monotonic raise, atomic on its own, so no transaction holds the batch's row locks
   * (a user's edit of one of those rows waits for one statement, not for the batch). No change
   * record, no version. A batch rolled back by a deadlock or a snapshot conflict (MariaDB's
   * snapshot isolation, with an edit of the same row committing meanwhile) runs again, whole: a
   * raise already made is not made twice, and a later one is never undone.
   */
  @Override
  public void recordLastUsed(Collection<LastUse> uses) {
    Checks.notNull(uses, "uses");
    if (uses.isEmpty()) {
      return;
    }
    List<LastUse> ordered = new ArrayList<>(uses);
    ordered.sort(Comparator.comparingLong(use -> TokenRows.key(use.id())));
    for (int attempt = 1; ; attempt++) {
      try {
        jdbc.inAutoCommit(
            "last-used flush of " + ordered.size() + " tokens",
            null,
            connection -> {
              try (PreparedStatement raise =
                  jdbc.prepare(connection, sql.get(Sql.RECORD_LAST_USED))) {
                for (LastUse use : ordered) {
                  long usedAt = TokenRows.micros(use.usedAt());
                  ConnectionSource from = use.from();
                  raise.setLong(1, usedAt);
                  if (from == null) {
                    raise.setNull(2, Types.VARCHAR);
                  } else {
                    raise.setString(2, from.address());
                  }
                  raise.setLong(3, TokenRows.key(use.id()));
                  raise.setString(4, use.organization().value());
                  raise.setLong(5, usedAt);
                  raise.addBatch();
                }
                return raise.executeBatch().length;
              }
            });
        return;
      } catch (TokenConflictException e) {
        if (attempt >= DELETE_ATTEMPTS) {
          throw e;
        }
        log.debug("A last-used flush met a concurrent change; running it again");
        pause();
      }
    }
  }

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public List<StoredToken> scan(@Nullable TokenId after, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return jdbc.read(
        "scan",
        after,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  sql.get(after == null ? Sql.SCAN_FIRST : Sql.SCAN_AFTER))) {
            int i = 1;
            if (after != null) {
              select.setLong(i++, TokenRows.key(after));
            }
            select.setInt(i, limit);
            return all(select, limit);
          }
        });
  }

  private static Optional<StoredToken> first(PreparedStatement select) throws SQLException {
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? Optional.of(TokenRows.read(rs)) : Optional.empty();
    }
  }

  private static List<StoredToken> all(PreparedStatement select, int limit) throws SQLException {
    List<StoredToken> rows = new ArrayList<>(Math.min(limit, 64));
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        rows.add(TokenRows.read(rs));
      }
    }
    return rows;
  }

  private static void bindIdAndOrganization(
      PreparedStatement statement, TokenId id, OrganizationId organization) throws SQLException {
    statement.setLong(1, TokenRows.key(id));
    statement.setString(2, organization.value());
  }

  /** Binds id_key and organization from {@code first}. */
  private static void bindIdAndOrganization(
      PreparedStatement statement, int first, TokenId id, OrganizationId organization)
      throws SQLException {
    statement.setLong(first, TokenRows.key(id));
    statement.setString(first + 1, organization.value());
  }

  // ---- writes: one transaction, and its change log ----------------------------------------------

  @FunctionalInterface
  private interface WriteWork<T> {
    T run(Connection connection, ChangeLog log) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction ({@link JdbcAccess#inTransaction}) with the change-log
   * hook that its last statement writes to, and watches the time from that statement to the commit.
   */
  private <T> T write(String operation, @Nullable TokenId id, WriteWork<T> work) {
    ChangeLog changes = new ChangeLog();
    T result = jdbc.inTransaction(operation, id, connection -> work.run(connection, changes));
    changes.committed(operation, id);
    return result;
  }

  @Override
  public String toString() {
    return "JdbcTokenStore[" + dialect + ", prefix=" + sql.prefix() + "]";
  }

  /**
   * Settings of a {@link JdbcTokenStore}; each can be set once and is checked when set; a setting
   * left unset takes its {@code DEFAULT_*} value when the store is built, and {@link #build()}
   * never writes to the builder. Not thread-safe.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable String tablePrefix;
    private @Nullable JdbcDialect dialect;
    private @Nullable Duration queryTimeout;
    private @Nullable Duration changeLogTimeout;
    private @Nullable Duration migrationLockTimeout;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The prefix of every table (and index) name; default {@code at_}. Several stores can share a
     * database under different prefixes.
     *
     * @throws IllegalArgumentException unless 1 to 24 characters of a-z, 0-9 and _, starting with a
     *     letter: the prefix is the only text ever put into SQL, so nothing else gets through
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalStateException if already set
     */
    public Builder tablePrefix(String prefix) {
      Checks.state(tablePrefix == null, "table prefix already set");
      this.tablePrefix =
          Checks.identifier(
              prefix, "table prefix", SqlStatements.TABLE_PREFIX, SqlStatements.TABLE_PREFIX_RULE);
      return this;
    }

    /**
     * The database's dialect; by default detected from the connection's metadata when the store is
     * built (which then needs the database).
     *
     * @throws NullPointerException if {@code dialect} is null
     * @throws IllegalStateException if already set
     */
    public Builder dialect(JdbcDialect dialect) {
      Checks.state(this.dialect == null, "dialect already set");
      this.dialect = Checks.notNull(dialect, "dialect");
      return this;
    }

    /**
     * The longest any statement of a token operation may run before the call fails with {@link
     * StoreUnavailableException}; default 10 seconds. A write's statements are cancelled by the
     * database at this timeout, and while a write uses a connection its network timeout is at most
     * twice this, so a write whose network goes silent (the database can then neither cancel nor
     * answer) fails too, and the driver discards that connection. A read (lookup, find, list) takes
     * no lock, so it is bounded by the network timeout alone, set to this.
     *
     * @throws IllegalArgumentException unless a whole number of seconds from 1 to 3600 (JDBC counts
     *     query timeouts in seconds)
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if already set
     */
    public Builder queryTimeout(Duration timeout) {
      Checks.state(queryTimeout == null, "query timeout already set");
      this.queryTimeout = checkSeconds(timeout, "query timeout");
      return this;
    }

    /**
     * The longest the statement that writes a change record may run; default 2 seconds. It is the
     * last statement of a status change, description edit or delete and takes the record's sequence
     * number, so this bounds the time from taking the number to the commit, apart from the commit
     * itself. Every {@link io.accesstokens.ChangeFollower} on the database must have a {@code
     * longestTransaction} longer than this plus the longest commit (its default, 5 seconds, leaves
     * 3 seconds for the commit).
     *
     * @throws IllegalArgumentException unless a whole number of seconds from 1 to 3600 (JDBC counts
     *     query timeouts in seconds)
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if already set
     */
    public Builder changeLogTimeout(Duration timeout) {
      Checks.state(changeLogTimeout == null, "change log timeout already set");
      this.changeLogTimeout = checkSeconds(timeout, "change log timeout");
      return this;
    }

    /**
     * The longest {@link JdbcTokenStore#migrate()} waits while another node migrates; default 60
     * seconds.
     *
     * @throws IllegalArgumentException unless a whole number of seconds from 1 to 3600
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if already set
     */
    public Builder migrationLockTimeout(Duration timeout) {
      Checks.state(migrationLockTimeout == null, "migration lock timeout already set");
      this.migrationLockTimeout = checkSeconds(timeout, "migration lock timeout");
      return this;
    }

    private static Duration checkSeconds(@Nullable Duration timeout, String name) {
      Checks.notNull(timeout, name);
      Checks.argument(
          timeout.truncatedTo(ChronoUnit.SECONDS).equals(timeout)
              && timeout.compareTo(Duration.ofSeconds(1)) >= 0
              && timeout.compareTo(MAX_TIMEOUT) <= 0,
          name
              + " must be a whole number of seconds from 1 to 3600 (JDBC counts seconds), but was "
              + timeout);
      return timeout;
    }

    /**
     * The store. Without an explicit {@link #dialect}, asks a connection for the database's product
     * name.
     *
     * @throws StoreUnavailableException if the dialect must be detected and no connection can be
     *     had
     * @throws IllegalStateException if the detected database is not one this store speaks
     */
    public JdbcTokenStore build() {
      return new JdbcTokenStore(
          dataSource,
          getDialect(),
          getTablePrefix(),
          getQueryTimeout(),
          getChangeLogTimeout(),
          getMigrationLockTimeout());
    }

    // Each setting with its default resolved, never written back (so a later setter still works).

    /** The dialect set, or the one the database's metadata names (asked on every call). */
    JdbcDialect getDialect() {
      return dialect == null ? detect(dataSource) : dialect;
    }

    String getTablePrefix() {
      return tablePrefix == null ? DEFAULT_TABLE_PREFIX : tablePrefix;
    }

    Duration getQueryTimeout() {
      return queryTimeout == null ? DEFAULT_QUERY_TIMEOUT : queryTimeout;
    }

    Duration getChangeLogTimeout() {
      return changeLogTimeout == null ? DEFAULT_CHANGE_LOG_TIMEOUT : changeLogTimeout;
    }

    Duration getMigrationLockTimeout() {
      return migrationLockTimeout == null ? DEFAULT_MIGRATION_LOCK_TIMEOUT : migrationLockTimeout;
    }

    private static JdbcDialect detect(DataSource dataSource) {
      String operation =
          "dialect detection (set JdbcTokenStore.Builder.dialect to build without a connection)";
      String product;
      try (Connection connection = dataSource.getConnection()) {
        product = connection.getMetaData().getDatabaseProductName();
      } catch (SQLException e) {
        // No dialect yet: any of them may have said what the failure means.
        throw SqlErrors.translateConnectFailure(e, operation, JdbcDialect::classifyAny);
      }
      JdbcDialect detected =
          JdbcDialect.fromProductName(product == null ? "" : product)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "database product "
                              + Redaction.quote(String.valueOf(product), 60)
                              + " is not one this store speaks (H2, PostgreSQL, MariaDB, MySQL);"
                              + " set the dialect explicitly if it is compatible with one of"
                              + " them"));
      log.debug("Detected the {} dialect from database product {}", detected, product);
      return detected;
    }
  }
}
