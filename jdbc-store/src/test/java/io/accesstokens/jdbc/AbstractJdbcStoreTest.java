package io.accesstokens.jdbc;

import static io.accesstokens.jdbc.TestRows.T0;
import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.BOB;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.GLOBEX_PROD;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.copy;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionSource;
import io.accesstokens.CopyPolicy;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.DigestPolicy;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.IssuedToken;
import io.accesstokens.KeyRing;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.jdbc.internal.Dialect;
import io.accesstokens.jdbc.internal.JdbcAccess;
import io.accesstokens.jdbc.internal.Migration;
import io.accesstokens.jdbc.internal.SchemaMigrator;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.accesstokens.jdbc.internal.TokenRows;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.LastUse;
import io.accesstokens.spi.SealedValue;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.Concurrently;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the contract suites cannot see: the schema files, the rows at rest, migrations racing, two
 * nodes with pools of their own, snapshot conflicts and timeouts, on a real database. Each database
 * runs it through a subclass that names its {@link TestDatabase}.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractJdbcStoreTest {
  protected abstract TestDatabase db();

  private final TestRows rows = new TestRows(7, "made by the JDBC tests");

  /** A store on the class's tables, emptied before each test. */
  private JdbcTokenStore store;

  @BeforeEach
  void emptyTheStore() {
    store = db().emptyStore();
  }

  // ---- dialect and schema
  // --------------------------------------------------------------------------

  @Test
  void dialect_isDetectedFromTheConnectionsMetadata() {
    assertThat(db().newStore(db().prefix()).dialect()).isEqualTo(db().dialect());
  }

  @Test
  void dialect_setExplicitly_isUsed() {
    JdbcTokenStore explicit =
        JdbcTokenStore.builder(db().dataSource())
            .dialect(db().dialect())
            .tablePrefix(db().prefix())
            .build();
    StoredToken row = row(new TokenId(11), T0);
    explicit.insert(row, created(row));

    assertThat(explicit.dialect()).isEqualTo(db().dialect());
    assertThat(store.find(ACME, row.id())).contains(row);
  }

  @Test
  void migrate_appliesTheShippedSchemaFileAndMigrations_thenNothing() throws Exception {
    List<Migration> migrations = Migration.of(db().dialect().internal());
    assertThat(migrations)
        .extracting(Migration::version)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(migrations.get(0).file()).isEqualTo(db().dialect().schemaFile());
    for (Migration migration : migrations) {
      assertShippedBesideTheStore(migration.file());
    }
    String prefix = db().newPrefix();
    JdbcTokenStore fresh = db().newStore(prefix);

    assertThat(fresh.migrate()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(fresh.migrate()).isEmpty();
    assertThat(schemaVersions(prefix)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(indexedColumns(prefix + "tokens"))
        .as(
            "every list filter has an index: none, by status, by environment; by expiry; and by"
                + " last use")
        .contains(
            List.of("organization", "created_at", "id_key"),
            List.of("organization", "status", "created_at", "id_key"),
            List.of("organization", "environment", "created_at", "id_key"),
            List.of("organization", "expires_at", "id_key"),
            List.of("organization", "last_used_at", "id_key"));
    assertThat(columns(prefix + "tokens"))
        .containsExactly(
            "id_key",
            "organization",
            "environment",
            "masked_value",
            "status",
            "description",
            "scope",
            "created_at",
            "updated_at",
            "version",
            "digest_key_id",
            "digest",
            "sealed_key_id",
            "sealed_value",
            "expires_at",
            "reminded_for",
            "reminded_within_ms",
            "rotated_from",
            "last_used_at",
            "retires_predecessor",
            "last_used_from");
    assertThat(columns(prefix + "changes"))
        .containsExactly("seq", "id_key", "change_type", "version", "changed_at");
    assertThat(columns(prefix + "changes_pruned")).containsExactly("id", "pruned_through");
    assertThat(fresh.changeFeed(JdbcChangeFeed.Mode.POLLING).prunedThrough()).isZero();
  }

  /**
   * A database a version-1 library created, with tokens in it, gains the change log and keeps them.
   */
  @Test
  void migrate_ofADatabaseAtVersion1_appliesVersion2Only_andKeepsTheTokens() throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    migrateAsAnEarlierLibrary(prefix, 1);
    StoredToken row = row(new TokenId(51), T0);
    insertAsAnEarlierLibrary(prefix, row);

    assertThat(store.migrate()).containsExactly(2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(schemaVersions(prefix)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(store.find(ACME, row.id())).contains(row);
    StoredToken next = withDescription(row, "after the upgrade", T0.plusSeconds(1));
    store.update(next, edited(next));
    assertThat(store.changeFeed(JdbcChangeFeed.Mode.POLLING).changesAfter(0, 10))
        .singleElement()
        .satisfies(c -> assertThat(c.tokenId()).isEqualTo(row.id()));
  }

  /**
   * Issue 13: a database a version-2 library created, with tokens in it, gains the list filters'
   * indexes and keeps its tokens and change log.
   */
  @Test
  void migrate_ofADatabaseAtVersion2_appliesVersion3Only_addingTheFiltersIndexes()
      throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    migrateAsAnEarlierLibrary(prefix, 2);
    assertThat(indexedColumns(prefix + "tokens"))
        .doesNotContain(List.of("organization", "status", "created_at", "id_key"));
    StoredToken row = row(new TokenId(52), T0);
    insertAsAnEarlierLibrary(prefix, row);

    assertThat(store.migrate()).containsExactly(3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(schemaVersions(prefix)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(indexedColumns(prefix + "tokens"))
        .contains(
            List.of("organization", "status", "created_at", "id_key"),
            List.of("organization", "environment", "created_at", "id_key"));
    assertThat(store.find(ACME, row.id())).contains(row);
    assertThat(store.list(ACME, new TokenFilter(null, row.token().status()), null, 10))
        .containsExactly(row);
  }

  /**
   * Issue 15: a database a version-3 library created, with tokens of two organizations in it, gains
   * each organization's token count, counting the tokens it holds, so a limit holds from the first
   * insert after the upgrade; a delete gives a place back.
   */
  @Test
  void migrate_ofADatabaseAtVersion3_countsEachOrganizationsTokens() throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    migrateAsAnEarlierLibrary(prefix, 3);
    List<StoredToken> acme = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      StoredToken row = row(new TokenId(70 + i), T0.plusSeconds(i));
      acme.add(row);
      insertAsAnEarlierLibrary(prefix, row);
    }
    StoredToken globex = inOrganization(row(new TokenId(80), T0), GLOBEX, GLOBEX_PROD);
    insertAsAnEarlierLibrary(prefix, globex);

    assertThat(store.migrate()).containsExactly(4, 5, 6, 7, 8, 9, 10);
    assertThat(schemaVersions(prefix)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(tokenCounts(prefix)).containsExactly(Map.entry("acme", 3L), Map.entry("globex", 1L));

    StoredToken fourth = row(new TokenId(73), T0.plusSeconds(3));
    store.insert(fourth, created(fourth), 4);
    StoredToken fifth = row(new TokenId(74), T0.plusSeconds(4));
    assertThatThrownBy(() -> store.insert(fifth, created(fifth), 4))
        .isInstanceOf(TokenLimitExceededException.class)
        .hasMessage(
            "organization acme already holds its limit of 4 tokens (active and inactive count"
                + " alike): delete a token to create another");
    assertThat(store.find(ACME, fifth.id())).isEmpty();
    StoredToken other = inOrganization(row(new TokenId(81), T0), GLOBEX, GLOBEX_PROD);
    assertThatThrownBy(() -> store.insert(other, created(other), 1))
        .isInstanceOf(TokenLimitExceededException.class);

    assertThat(store.delete(ACME, acme.get(0).id(), deleted())).isPresent();
    store.insert(fifth, created(fifth), 4);
    assertThat(tokenCounts(prefix)).containsExactly(Map.entry("acme", 4L), Map.entry("globex", 1L));
  }

  /**
   * Issue 14: a database a version-6 library created, with tokens in it, gains each token's
   * predecessor column and the unique index that gives a token one successor; its rows have no
   * predecessor, two of them can each be rotated once, and a row written the version-6 way (without
   * the column) still reads.
   */
  @Test
  void migrate_ofADatabaseAtVersion6_addsRotatedFrom_withOneSuccessorPerToken() throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    migrateAsAnEarlierLibrary(prefix, 6);
    assertThat(columns(prefix + "tokens")).doesNotContain("rotated_from");
    StoredToken first = row(new TokenId(56), T0);
    StoredToken second = row(new TokenId(57), T0.plusSeconds(1));
    insertAsAnEarlierLibrary(prefix, first);
    insertAsAnEarlierLibrary(prefix, second);

    assertThat(store.migrate()).containsExactly(7, 8, 9, 10);
    if (db().dialect() != JdbcDialect.H2) { // H2 has none: see V7-h2.sql
      assertThat(indexedColumns(prefix + "tokens"))
          .contains(List.of("rotated_from", "organization"));
    }
    assertThat(store.find(ACME, first.id())).contains(first);
    assertThat(store.find(ACME, first.id()).orElseThrow().token().rotatedFrom()).isNull();

    Instant at = T0.plusSeconds(2);
    for (StoredToken predecessor : List.of(first, second)) {
      StoredToken next = predecessor.withToken(predecessor.token().withExpiry(at, at));
      StoredToken successor =
          successorOf(predecessor, new TokenId(predecessor.id().bits() + 100), at);
      store.rotate(next, successor, new Change(TokenEventType.TOKEN_ROTATED, ALICE, at), 10);
      assertThat(store.find(ACME, successor.id())).contains(successor);
      assertThat(store.find(ACME, predecessor.id())).contains(next);
    }
    insertAsAnEarlierLibrary(prefix, row(new TokenId(58), T0.plusSeconds(3)));
    assertThat(store.find(ACME, new TokenId(58)).orElseThrow().token().rotatedFrom()).isNull();
  }

  /**
   * Issue 14: a database at version 8 gains last_used_from; a stored last-used time is kept, with
   * no source, and the next flush writes a time and its source together. A flush of a version-8
   * node (the time alone) still runs against the new column.
   */
  @Test
  void migrate_ofADatabaseAtVersion8_addsLastUsedFrom_keepingTheLastUsedTimes() throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    migrateAsAnEarlierLibrary(prefix, 8);
    assertThat(columns(prefix + "tokens")).doesNotContain("last_used_from");
    StoredToken row = row(new TokenId(59), T0);
    insertAsAnEarlierLibrary(prefix, row);
    String version8Flush =
        "UPDATE "
            + prefix
            + "tokens SET last_used_at = ? WHERE id_key = ? AND organization = ? AND"
            + " (last_used_at IS NULL OR last_used_at < ?)";
    flushAsVersion8(version8Flush, row, T0.plusSeconds(5));

    assertThat(store.migrate()).containsExactly(9, 10);
    AccessToken read = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(read.lastUsedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(read.lastUsedFrom()).isNull();

    ConnectionSource partner = ConnectionSource.of("10.0.0.7");
    store.recordLastUsed(List.of(new LastUse(ACME, row.id(), T0.plusSeconds(9), partner)));
    read = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(read.lastUsedAt()).isEqualTo(T0.plusSeconds(9));
    assertThat(read.lastUsedFrom()).isEqualTo(partner);
    store.recordLastUsed(List.of(new LastUse(ACME, row.id(), T0.plusSeconds(7), null)));
    assertThat(store.find(ACME, row.id()).orElseThrow().token().lastUsedFrom())
        .as("an older use changes nothing")
        .isEqualTo(partner);

    flushAsVersion8(version8Flush, row, T0.plusSeconds(12));
    read = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(read.lastUsedAt()).as("a version-8 node's flush").isEqualTo(T0.plusSeconds(12));
    assertThat(read.lastUsedFrom())
        .as("left as it was by a node that does not know the column (docs/jdbc-store.md)")
        .isEqualTo(partner);
  }

  /**
   * A last_used_from that breaks ConnectionSource's rule (written by another program) reads as
   * none: the column is only shown, and the row is read on the validation path too.
   */
  @Test
  void lastUsedFrom_writtenBrokenByAnotherProgram_readsAsNone() throws Exception {
    StoredToken row = row(new TokenId(60), T0);
    store.insert(row, created(row));
    store.recordLastUsed(
        List.of(new LastUse(ACME, row.id(), T0.plusSeconds(5), ConnectionSource.of("10.0.0.7"))));
    try (Connection c = db().dataSource().getConnection();
        PreparedStatement forge =
            c.prepareStatement(
                "UPDATE " + db().prefix() + "tokens SET last_used_from = ? WHERE id_key = ?")) {
      forge.setString(1, "10.0.0.7\nforged");
      forge.setLong(2, TokenRows.key(row.id()));
      assertThat(forge.executeUpdate()).isEqualTo(1);
    }

    AccessToken read = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(read.lastUsedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(read.lastUsedFrom()).isNull();
  }

  private void flushAsVersion8(String update, StoredToken row, Instant usedAt) throws SQLException {
    try (Connection c = db().dataSource().getConnection();
        PreparedStatement raise = c.prepareStatement(update)) {
      raise.setLong(1, TokenRows.micros(usedAt));
      raise.setLong(2, TokenRows.key(row.id()));
      raise.setString(3, row.organization().value());
      raise.setLong(4, TokenRows.micros(usedAt));
      assertThat(raise.executeUpdate()).isEqualTo(1);
    }
  }

  /**
   * Issue 14: on PostgreSQL and MariaDB the unique index, not only the store's check, refuses a
   * second successor: a row naming a predecessor that already has one, written straight into the
   * table, is a constraint violation.
   */
  @Test
  void aSecondSuccessor_isRefusedByTheUniqueIndex() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        db().dialect() != JdbcDialect.H2, "H2 has no unique index on rotated_from (V7-h2.sql)");
    StoredToken predecessor = row(new TokenId(61), T0);
    store.insert(predecessor, created(predecessor));
    Instant at = T0.plusSeconds(1);
    StoredToken successor = successorOf(predecessor, new TokenId(62), at);
    store.rotate(
        predecessor.withToken(predecessor.token().withExpiry(at, at)),
        successor,
        new Change(TokenEventType.TOKEN_ROTATED, ALICE, at),
        10);

    StoredToken second = successorOf(predecessor, new TokenId(63), at);
    assertThatThrownBy(() -> store.insert(second, created(second)))
        .isInstanceOf(DuplicateTokenException.class);
    assertThat(store.find(ACME, second.id())).isEmpty();
  }

  /**
   * Issue 14: a database a version-8 library created gains the successor's retirement flag, which
   * every row it had, and every row a version-8 node writes after the migration (its inserts do not
   * name the column), reads as false; a flagged successor keeps its flag through the round trip,
   * and the store's retirement then clears it and deactivates the predecessor.
   */
  @Test
  void migrate_ofADatabaseAtVersion8_addsTheRetirementFlag_falseForEveryRowItHad()
      throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    migrateAsAnEarlierLibrary(prefix, 8);
    assertThat(columns(prefix + "tokens")).doesNotContain("retires_predecessor");
    StoredToken old = row(new TokenId(70), T0);
    insertAsAnEarlierLibrary(prefix, old);

    assertThat(store.migrate()).containsExactly(9, 10);
    assertThat(store.find(ACME, old.id())).contains(old);
    assertThat(store.find(ACME, old.id()).orElseThrow().token().retiresPredecessorOnFirstUse())
        .isFalse();
    insertAsAnEarlierLibrary(prefix, row(new TokenId(71), T0.plusSeconds(1)));
    assertThat(
            store.find(ACME, new TokenId(71)).orElseThrow().token().retiresPredecessorOnFirstUse())
        .isFalse();

    Instant at = T0.plusSeconds(2);
    StoredToken next = old.withToken(old.token().withExpiry(at.plusSeconds(3600), at));
    AccessToken s = successorOf(old, new TokenId(170), at).token();
    StoredToken successor =
        row(s.id(), at)
            .withToken(
                new AccessToken(
                    s.id(),
                    s.organization(),
                    s.environment(),
                    s.status(),
                    s.description(),
                    s.scope(),
                    s.createdAt(),
                    s.updatedAt(),
                    s.version(),
                    s.expiresAt(),
                    s.rotatedFrom(),
                    null,
                    true,
                    null));
    store.rotate(next, successor, new Change(TokenEventType.TOKEN_ROTATED, ALICE, at), 10);
    assertThat(store.find(ACME, successor.id())).contains(successor);

    Instant later = at.plusSeconds(1);
    assertThat(
            store.retirePredecessor(
                ACME, successor.id(), new Change(TokenEventType.STATUS_CHANGED, ALICE, later)))
        .hasValueSatisfying(
            p -> {
              assertThat(p.status()).isEqualTo(TokenStatus.INACTIVE);
              assertThat(p.version()).isEqualTo(next.version() + 1);
              assertThat(p.updatedAt()).isEqualTo(later);
            });
    AccessToken cleared = store.find(ACME, successor.id()).orElseThrow().token();
    assertThat(cleared.retiresPredecessorOnFirstUse()).isFalse();
    assertThat(cleared.version()).isEqualTo(2);
  }

  private StoredToken successorOf(StoredToken predecessor, TokenId id, Instant at) {
    return row(id, at).withToken(Fixtures.successorToken(predecessor.token(), id, at));
  }

  /**
   * An organization without a count row (its first token after the upgrade) gets one that counts
   * the tokens it holds, even tokens an older library stored after the migration ran.
   */
  @Test
  void insert_ofAnOrganizationWithoutACountRow_countsTheTokensItHolds() throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    store.migrate();
    for (int i = 0; i < 2; i++) {
      insertAsAnEarlierLibrary(prefix, row(new TokenId(90 + i), T0.plusSeconds(i)));
    }
    assertThat(tokenCounts(prefix)).isEmpty();

    StoredToken third = row(new TokenId(92), T0.plusSeconds(2));
    store.insert(third, created(third), 3);
    StoredToken fourth = row(new TokenId(93), T0.plusSeconds(3));
    assertThatThrownBy(() -> store.insert(fourth, created(fourth), 3))
        .isInstanceOf(TokenLimitExceededException.class);
    assertThat(tokenCounts(prefix)).containsExactly(Map.entry("acme", 3L));
  }

  /**
   * Issue 14: a database a version-3 library created, with tokens in it, gains the expiry column
   * and its index; its rows read as never expiring, and keep validating; a new row keeps its
   * expiry.
   */
  @Test
  void migrate_ofADatabaseAtVersion3_addsExpiry_andItsRowsNeverExpire() throws Exception {
    String prefix = db().newPrefix();
    JdbcTokenStore store = db().newStore(prefix);
    migrateAsAnEarlierLibrary(prefix, 3);
    assertThat(columns(prefix + "tokens")).doesNotContain("expires_at");
    StoredToken old = row(new TokenId(53), T0);
    insertAsAnEarlierLibrary(prefix, old);

    assertThat(store.migrate()).containsExactly(4, 5, 6, 7, 8, 9, 10);
    assertThat(schemaVersions(prefix)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(indexedColumns(prefix + "tokens"))
        .contains(List.of("organization", "expires_at", "id_key"));
    assertThat(store.find(ACME, old.id())).contains(old);
    assertThat(store.find(ACME, old.id()).orElseThrow().token().expiresAt()).isNull();
    StoredToken expiring = withExpiry(row(new TokenId(54), T0), T0.plusSeconds(90));
    store.insert(expiring, created(expiring));
    assertThat(store.find(ACME, expiring.id()).orElseThrow().token().expiresAt())
        .isEqualTo(T0.plusSeconds(90));
    StoredToken edited = withDescription(old, "after the upgrade", T0.plusSeconds(1));
    store.update(edited, edited(edited));
    assertThat(store.find(ACME, old.id())).contains(edited);
  }

  /**
   * A node of an earlier version (which knows no expires_at) updates a row during a rolling
   * upgrade: the row keeps the expiry a newer node gave it.
   */
  @Test
  void update_byAnEarlierVersionsStatement_keepsTheExpiry() throws Exception {
    StoredToken expiring = withExpiry(row(new TokenId(55), T0), T0.plusSeconds(90));
    store.insert(expiring, created(expiring));
    try (Connection c = db().dataSource().getConnection();
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE "
                    + db().prefix()
                    + "tokens SET status = ?, version = ? WHERE id_key = ? AND version = ?")) {
      update.setString(1, TokenStatus.INACTIVE.name());
      update.setLong(2, 2);
      update.setLong(3, TokenRows.key(expiring.id()));
      update.setLong(4, 1);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    AccessToken read = store.find(ACME, expiring.id()).orElseThrow().token();
    assertThat(read.status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(read.expiresAt()).isEqualTo(T0.plusSeconds(90));
  }

  @Test
  void migrate_fromFourConcurrentStarters_onAnEmptyDatabase_appliesEachMigrationExactlyOnce()
      throws Exception {
    List<Integer> versions =
        Migration.of(db().dialect().internal()).stream().map(Migration::version).toList();
    int migrations = versions.size();
    for (int round = 0; round < 3; round++) {
      String prefix = db().newPrefix();
      List<JdbcTokenStore> starters = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        starters.add(JdbcTokenStore.builder(db().newDataSource()).tablePrefix(prefix).build());
      }
      List<Integer> applied = new CopyOnWriteArrayList<>();

      Concurrently.run(4, t -> applied.addAll(starters.get(t).migrate()));

      assertThat(applied).as("round %d", round).containsExactlyInAnyOrderElementsOf(versions);
      assertThat(schemaVersions(prefix)).hasSize(migrations);
      StoredToken row = row(new TokenId(round + 1), T0);
      starters.get(round).insert(row, created(row));
      assertThat(starters.get(3 - round).find(ACME, row.id())).contains(row);
    }
  }

  /**
   * The shipped drop file removes every table that migrate() made under a prefix, and nothing of
   * another prefix, so that migrate() starts again from version 1 on an empty store.
   */
  @Test
  void theShippedDropFile_dropsEveryTableMigrateCreated_andMigrateCreatesThemAgain()
      throws Exception {
    String file = db().dialect().schemaDropFile();
    assertShippedBesideTheStore(file);
    String prefix = db().newPrefix();
    JdbcTokenStore fresh = db().newStore(prefix);
    assertThat(fresh.migrate()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    StoredToken row = row(new TokenId(61), T0);
    fresh.insert(row, created(row));
    assertThat(db().tables(prefix)).hasSizeGreaterThanOrEqualTo(4);
    List<String> othersTables = db().tables(db().prefix());

    db().runShippedScript(file, prefix);

    assertThat(db().tables(prefix)).as("tables left under %s", prefix).isEmpty();
    assertThat(db().tables(db().prefix())).as("another prefix's tables").isEqualTo(othersTables);
    assertThat(fresh.migrate()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(schemaVersions(prefix)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(fresh.find(ACME, row.id())).isEmpty();
    fresh.insert(row, created(row));
    assertThat(fresh.find(ACME, row.id())).contains(row);
  }

  private static void assertShippedBesideTheStore(String file) throws Exception {
    try (InputStream shipped = JdbcTokenStore.class.getResourceAsStream(file)) {
      assertThat(shipped).as("%s is in the jar beside JdbcTokenStore", file).isNotNull();
      assertThat(new String(shipped.readAllBytes(), StandardCharsets.UTF_8))
          .as("the jar's file is the source tree's")
          .isEqualTo(Files.readString(Path.of("src/main/resources/io/accesstokens/jdbc", file)));
    }
  }

  // ---- at rest
  // -------------------------------------------------------------------------------------

  @Test
  void rows_keepIdsSignFlipped_andTimesInEpochMicros() throws SQLException {
    TokenId id = new TokenId(-3); // unsigned: the second largest id
    Instant at =
        Instant.parse("1969-12-31T23:59:59.999999Z"); // before the epoch: floor, not truncation
    StoredToken row = row(id, at);
    store.insert(row, created(row));

    try (Connection c = db().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT id_key, created_at FROM " + db().prefix() + "tokens")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(Long.MAX_VALUE - 2);
      assertThat(rs.getLong(2)).isEqualTo(-1L);
    }
    assertThat(store.find(ACME, id).orElseThrow().token().createdAt()).isEqualTo(at);
  }

  @Test
  void everyTable_afterTokensAreCreatedThroughTheService_holdsNoValueAndNoSecretPart()
      throws SQLException {
    TokenService sealed =
        service(
            store,
            CopyPolicy.sealed(KeyRing.of("seal-1", rows.randomBytes(32))),
            DigestPolicy.sha256(),
            e -> {});
    TokenService digestOnly =
        service(
            store,
            CopyPolicy.digestOnly(),
            DigestPolicy.hmacSha256(KeyRing.of("mac-1", rows.randomBytes(32))),
            e -> {});
    List<IssuedToken> issued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      issued.add(create(sealed, ACME, PROD, "sealed \ud83d\udd11 " + i, ALICE));
      issued.add(create(digestOnly, GLOBEX, GLOBEX_PROD, null, BOB));
    }
    copy(sealed, ACME, issued.get(0).id(), ALICE);
    sealed.deactivate(ACME, issued.get(2).id(), ALICE);
    sealed.editDescription(ACME, issued.get(4).id(), "edited", ALICE);

    List<String> dump = db().dump(db().prefix());

    assertThat(dump)
        .as("the dump read the tokens")
        .hasSizeGreaterThanOrEqualTo(8)
        .anySatisfy(line -> assertThat(line).contains(issued.get(0).token().maskedValue()));
    for (IssuedToken token : issued) {
      String value = token.value().reveal();
      String secretPart = value.substring(15, 47);
      List<String> forbidden =
          List.of(
              value,
              secretPart,
              HexFormat.of().formatHex(value.getBytes(StandardCharsets.US_ASCII)),
              HexFormat.of().formatHex(secretPart.getBytes(StandardCharsets.US_ASCII)),
              Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.US_ASCII)));
      for (String line : dump) {
        for (String secret : forbidden) {
          assertThat(line).as("a stored clear value or secret part").doesNotContain(secret);
        }
      }
    }
  }

  /**
   * A row as an earlier version left it: {@code masked_value} holds {@code atk_…} and the value's
   * last four characters (the tail of a checksum of the secret), and the description a pasted value
   * (then accepted). Neither is ever shown: the mask is derived from the id, the description is
   * replaced by a note, which the row's next change writes in its place.
   */
  @Test
  void aRowWrittenByAnEarlierVersion_showsNeitherItsStoredMask_norAPastedDescription()
      throws SQLException {
    TokenService service = service(store, CopyPolicy.ephemeral(), DigestPolicy.sha256(), e -> {});
    IssuedToken issued = create(service, ACME, PROD, "partner", ALICE);
    String value = issued.value().reveal();
    String table = db().prefix() + "tokens";
    try (Connection c = db().dataSource().getConnection();
        PreparedStatement legacy =
            c.prepareStatement(
                "UPDATE " + table + " SET masked_value = ?, description = ? WHERE id_key = ?")) {
      legacy.setString(1, "atk_\u2026" + value.substring(49));
      legacy.setString(2, "pasted: " + value);
      legacy.setLong(3, TokenRows.key(issued.id()));
      assertThat(legacy.executeUpdate()).isEqualTo(1);
    }

    AccessToken listed = service.list(ACME, TokenQuery.all()).tokens().get(0);
    assertThat(listed.maskedValue()).isEqualTo("atk_" + issued.id() + "\u2026");
    assertThat(listed.description()).isEqualTo("[hidden: token-shaped text (61 characters)]");
    assertThat(service.get(ACME, issued.id())).isEqualTo(listed);

    service.deactivate(ACME, issued.id(), ALICE);
    try (Connection c = db().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT description FROM " + table)) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("[hidden: token-shaped text (61 characters)]");
    }
  }

  @Test
  void insert_ofATakenDigest_isRefused_withNeitherTheDigestNorTheDriversText() {
    StoredToken first = row(new TokenId(21), T0);
    store.insert(first, created(first));
    StoredToken other = row(new TokenId(22), T0);
    StoredToken clash = new StoredToken(other.token(), first.digest(), other.sealedValue());

    assertThatThrownBy(() -> store.insert(clash, created(clash)))
        .isInstanceOf(DuplicateTokenException.class)
        .hasMessageStartingWith("insert of token " + clash.id() + " was refused")
        .hasMessageContaining("SQLState 23")
        .hasNoCause()
        .satisfies(
            e ->
                assertThat(e.getMessage().toLowerCase(Locale.ROOT))
                    .doesNotContain(HexFormat.of().formatHex(first.digest().value()))
                    .doesNotContain("duplicate entry")
                    .doesNotContain("key (")
                    .doesNotContain("unique index"));
  }

  // ---- concurrency
  // ---------------------------------------------------------------------------------

  /**
   * Two nodes, each a store with a connection pool of its own and a service of its own, 8 threads
   * each, toggle, edit and delete the same tokens. Every effective change is an event carrying the
   * version it produced: per token, the versions from both nodes together must be exactly 2..last,
   * each once (a lost update repeats a version or leaves a gap), the stored row must be the one the
   * last version's call returned, and a deleted token must be deleted once, at its last version.
   */
  @Test
  void twoNodes_withPoolsOfTheirOwn_togglingEditingAndDeleting_endInTheExactExpectedState()
      throws Exception {
    JdbcTokenStore storeA =
        JdbcTokenStore.builder(db().newPool(8)).tablePrefix(db().prefix()).build();
    JdbcTokenStore storeB =
        JdbcTokenStore.builder(db().newPool(8)).tablePrefix(db().prefix()).build();
    List<TokenEvent> events = new CopyOnWriteArrayList<>();
    TokenService nodeA =
        service(storeA, CopyPolicy.ephemeral(), DigestPolicy.sha256(), events::add);
    TokenService nodeB =
        service(storeB, CopyPolicy.ephemeral(), DigestPolicy.sha256(), events::add);
    List<TokenId> tokens = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tokens.add(create(i % 2 == 0 ? nodeA : nodeB, ACME, PROD, "start", ALICE).id());
    }
    List<TokenId> doomed = tokens.subList(4, 6);
    events.clear();
    Map<TokenId, Map<Long, AccessToken>> returned = new ConcurrentHashMap<>();
    Map<TokenId, AtomicInteger> deletes = new ConcurrentHashMap<>();
    tokens.forEach(
        id -> {
          returned.put(id, new ConcurrentHashMap<>());
          deletes.put(id, new AtomicInteger());
        });

    Concurrently.run(
        16,
        t -> {
          TokenService node = t % 2 == 0 ? nodeA : nodeB;
          ThreadLocalRandom rnd = ThreadLocalRandom.current();
          for (int i = 0; i < 40; i++) {
            TokenId target = tokens.get(rnd.nextInt(tokens.size()));
            try {
              switch (rnd.nextInt(5)) {
                case 0, 1 ->
                    remember(
                        returned,
                        node.setStatus(
                            ACME,
                            target,
                            rnd.nextBoolean() ? TokenStatus.ACTIVE : TokenStatus.INACTIVE,
                            ALICE));
                case 2, 3 ->
                    remember(
                        returned, node.editDescription(ACME, target, "n" + t + "-" + i, ALICE));
                default -> {
                  if (doomed.contains(target)
                      && i > 10
                      && node.delete(ACME, target, BOB) == DeleteOutcome.DELETED) {
                    deletes.get(target).incrementAndGet();
                  }
                }
              }
            } catch (TokenNotFoundException e) {
              assertThat(doomed).contains(target);
            }
          }
        });

    for (TokenId id : tokens) {
      List<TokenEvent> own = events.stream().filter(e -> e.tokenId().equals(id)).toList();
      List<Long> versions =
          own.stream()
              .filter(e -> e.type() != TokenEventType.DELETED)
              .map(TokenEvent::version)
              .sorted()
              .toList();
      List<TokenEvent> deleted =
          own.stream().filter(e -> e.type() == TokenEventType.DELETED).toList();
      assertThat(deleted)
          .as("deletes of %s", id)
          .hasSize(deletes.get(id).get())
          .hasSizeLessThanOrEqualTo(1);
      long last;
      if (deleted.isEmpty()) {
        StoredToken stored = storeB.find(ACME, id).orElseThrow();
        last = stored.version();
        if (last > 1) {
          assertThat(stored.token())
              .as("the row of %s is the last change's", id)
              .isEqualTo(returned.get(id).get(last));
        }
      } else {
        last = deleted.get(0).version();
        assertThat(storeA.find(ACME, id)).isEmpty();
        assertThat(storeB.find(ACME, id)).isEmpty();
      }
      assertThat(versions)
          .as("versions of %s", id)
          .containsExactlyElementsOf(LongStream.rangeClosed(2, last).boxed().toList());
    }
    assertThat(events).as("the race did happen").hasSizeGreaterThan(50);
  }

  private static void remember(Map<TokenId, Map<Long, AccessToken>> returned, AccessToken token) {
    AccessToken earlier = returned.get(token.id()).putIfAbsent(token.version(), token);
    assertThat(earlier == null || earlier.equals(token))
        .as("two different rows with version %d of %s", token.version(), token.id())
        .isTrue();
  }

  /**
   * A store whose transaction took its snapshot before another node committed: PostgreSQL's
   * serialization failure (40001) and MariaDB's "Record has changed since last read" (1020, with
   * innodb_snapshot_isolation=ON) are conflicts; databases that read the newest row see the other
   * version. Either way the caller gets a conflict and nothing is written.
   */
  @Test
  void update_inATransactionWhoseSnapshotPredatesAConcurrentCommit_isAConflict() {
    SnapshotRace race = snapshotRace(new TokenId(31));
    StoredToken mine = withDescription(race.row(), "mine", T0.plusSeconds(2));

    assertThatThrownBy(() -> race.node().update(mine, edited(mine)))
        .isInstanceOf(TokenConflictException.class)
        .isNotInstanceOf(DuplicateTokenException.class)
        .hasMessageContaining(race.row().id().toString())
        .satisfies(
            e -> {
              switch (db().kind()) {
                case MARIADB_SNAPSHOT_ISOLATION ->
                    assertThat(e).hasMessageContaining("vendor code 1020");
                case POSTGRESQL, EMBEDDED_POSTGRESQL ->
                    assertThat(e).hasMessageContaining("SQLState 40001");
                default -> {}
              }
            });
    assertThat(store.find(ACME, race.row().id())).contains(race.theirs());
  }

  @Test
  void delete_whoseSnapshotPredatesAConcurrentCommit_runsAgain_andRemovesTheNewestRow() {
    SnapshotRace race = snapshotRace(new TokenId(32));

    assertThat(race.node().delete(ACME, race.row().id(), deleted())).contains(race.theirs());
    assertThat(store.find(ACME, race.row().id())).isEmpty();
  }

  /**
   * A row the class's store inserted, and a node whose next transaction takes its snapshot, then
   * lets the class's store commit {@code theirs} (the row with another description) before it
   * reads.
   */
  private record SnapshotRace(StoredToken row, StoredToken theirs, JdbcTokenStore node) {}

  private SnapshotRace snapshotRace(TokenId id) {
    JdbcTokenStore other = store; // the other node
    StoredToken row = row(id, T0);
    other.insert(row, created(row));
    StoredToken theirs = withDescription(row, "theirs", T0.plusSeconds(1));
    SnapshotFirstDataSource snapshotFirst =
        new SnapshotFirstDataSource(db().dataSource(), db().prefix());
    JdbcTokenStore node = JdbcTokenStore.builder(snapshotFirst).tablePrefix(db().prefix()).build();
    snapshotFirst.arm(() -> other.update(theirs, edited(theirs)));
    return new SnapshotRace(row, theirs, node);
  }

  /** A row locked by another transaction holds the store's update past its timeout. */
  @Test
  void aStatementHeldPastTheQueryTimeout_failsAsUnavailable() throws SQLException {
    JdbcTokenStore impatient =
        JdbcTokenStore.builder(db().dataSource())
            .tablePrefix(db().prefix())
            .queryTimeout(Duration.ofSeconds(1))
            .build();
    StoredToken row = row(new TokenId(41), T0);
    impatient.insert(row, created(row));
    try (Connection holder = db().dataSource().getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "SELECT version FROM " + db().prefix() + "tokens WHERE id_key = ? FOR UPDATE")) {
        lock.setLong(1, 41 ^ Long.MIN_VALUE);
        lock.executeQuery().close();
      }
      StoredToken next = withDescription(row, "blocked", T0.plusSeconds(1));
      long start = System.nanoTime();

      assertThatThrownBy(() -> impatient.update(next, edited(next)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageStartingWith("update of token " + row.id() + " failed")
          .hasMessageContaining("did not answer in time")
          .hasNoCause();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      holder.rollback();
    }
    assertThat(store.find(ACME, row.id())).contains(row);
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------

  private TokenService service(
      TokenStore store,
      CopyPolicy copy,
      DigestPolicy digest,
      io.accesstokens.TokenEventListener listener) {
    return TokenService.builder(store)
        .entitlements(Entitlements.all())
        .environments(Fixtures.environments())
        .copyPolicy(copy)
        .digestPolicy(digest)
        .listener(listener)
        .build();
  }

  private StoredToken row(TokenId id, Instant createdAt) {
    return rows.row(id, createdAt);
  }

  private static StoredToken withExpiry(StoredToken row, Instant expiresAt) {
    return TestRows.rewritten(row, row.token().updatedAt(), row.version(), expiresAt);
  }

  /**
   * Migrates the tables under {@code prefix} as a library that knew only the first {@code versions}
   * schema versions did: the store's own migrate() knows every version, a migrator given only the
   * first ones is that earlier library.
   */
  private void migrateAsAnEarlierLibrary(String prefix, int versions) {
    Dialect dialect = db().dialect().internal();
    new SchemaMigrator(
            new JdbcAccess(db().dataSource(), dialect, Duration.ofSeconds(10)),
            new SqlStatements(dialect, prefix),
            Migration.of(dialect).subList(0, versions),
            Duration.ofSeconds(10))
        .migrate();
  }

  /**
   * Inserts {@code row} as a library of schema version 3 or earlier did: every column but
   * expires_at, which that library did not know.
   */
  private void insertAsAnEarlierLibrary(String prefix, StoredToken row) throws SQLException {
    AccessToken t = row.token();
    try (Connection c = db().dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO "
                    + prefix
                    + "tokens (id_key, organization, environment, masked_value, status,"
                    + " description, scope, created_at, updated_at, version, digest_key_id,"
                    + " digest, sealed_key_id, sealed_value)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, TokenRows.key(t.id()));
      insert.setString(2, t.organization().value());
      insert.setString(3, t.environment().value());
      insert.setString(4, t.maskedValue());
      insert.setString(5, t.status().name());
      insert.setString(6, t.description());
      insert.setString(7, t.scope().name());
      insert.setLong(8, TokenRows.micros(t.createdAt()));
      insert.setLong(9, TokenRows.micros(t.updatedAt()));
      insert.setLong(10, t.version());
      insert.setString(11, row.digest().keyId());
      insert.setBytes(12, row.digest().value());
      SealedValue sealed = row.sealedValue();
      insert.setString(13, sealed == null ? null : sealed.keyId());
      insert.setBytes(14, sealed == null ? null : sealed.ciphertext());
      assertThat(insert.executeUpdate()).isEqualTo(1);
    }
  }

  private static StoredToken withDescription(StoredToken row, String description, Instant at) {
    return row.withToken(row.token().withDescription(description, at));
  }

  private static Change created(StoredToken row) {
    return new Change(TokenEventType.CREATED, ALICE, row.token().createdAt());
  }

  private static Change edited(StoredToken row) {
    return new Change(TokenEventType.DESCRIPTION_EDITED, ALICE, row.token().updatedAt());
  }

  private static Change deleted() {
    return new Change(TokenEventType.DELETED, ALICE, T0);
  }

  /** A token row as a library before version 4 stored it: without touching any count. */
  /** Each organization's count row, by organization. */
  private Map<String, Long> tokenCounts(String prefix) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = db().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT organization, token_count FROM " + prefix + "organization_counts")) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  private static StoredToken inOrganization(
      StoredToken row,
      io.accesstokens.OrganizationId organization,
      io.accesstokens.EnvironmentId environment) {
    AccessToken t = row.token();
    return row.withToken(
        new AccessToken(
            t.id(),
            organization,
            environment,
            t.status(),
            t.description(),
            t.scope(),
            t.createdAt(),
            t.updatedAt(),
            t.version()));
  }

  private List<Integer> schemaVersions(String prefix) throws SQLException {
    List<Integer> versions = new ArrayList<>();
    try (Connection c = db().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT version FROM " + prefix + "schema_version ORDER BY version")) {
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
    }
    return versions;
  }

  /** The table's columns, lower case, in their order. */
  /** The columns of each index of {@code table} other than its primary key, in index order. */
  private List<List<String>> indexedColumns(String table) throws SQLException {
    try (Connection c = db().dataSource().getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String name = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
      Map<String, TreeMap<Short, String>> byIndex = new LinkedHashMap<>();
      try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), null, name, false, false)) {
        while (rs.next()) {
          String index = rs.getString("INDEX_NAME");
          String column = rs.getString("COLUMN_NAME");
          if (index == null || column == null) {
            continue;
          }
          byIndex
              .computeIfAbsent(index, k -> new TreeMap<>())
              .put(rs.getShort("ORDINAL_POSITION"), column.toLowerCase(Locale.ROOT));
        }
      }
      return byIndex.values().stream().map(columns -> List.copyOf(columns.values())).toList();
    }
  }

  private List<String> columns(String table) throws SQLException {
    try (Connection c = db().dataSource().getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String name = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = meta.getColumns(c.getCatalog(), null, name, "%")) {
        while (rs.next()) {
          columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
        }
      }
      return columns;
    }
  }
}
