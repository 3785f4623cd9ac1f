package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.GLOBEX_PROD;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.TEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionSource;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.Scope;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenStatus;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.LastUse;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.SealedValue;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenLimits;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link TokenStore} contract as tests. A store is correct when its subclass of this class
 * passes:
 *
 * <pre>{@code
 * class MyStoreContractTest extends AbstractTokenStoreContractTest {
 *   protected TokenStore createStore() { return new MyStore(...); } // empty, for each test
 * }
 * }</pre>
 *
 * <p>Rows are built here directly (digests are random bytes), so the suite tests the store alone.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractTokenStoreContractTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");
  private static final AtomicLong NEXT_ID = new AtomicLong(0x1234_5678_9abc_def0L);

  /** A new, empty store. Called before each test. */
  protected abstract TokenStore createStore();

  protected TokenStore store;
  private final Random random = new Random(42);

  @BeforeEach
  void setUpStore() {
    store = createStore();
  }

  // ---- building rows
  // -------------------------------------------------------------------------------

  protected StoredToken row(OrganizationId org, EnvironmentId env, Instant createdAt) {
    return row(new TokenId(NEXT_ID.getAndAdd(0x9E3779B97F4A7C15L)), org, env, createdAt);
  }

  protected StoredToken row(TokenId id, OrganizationId org, EnvironmentId env, Instant createdAt) {
    AccessToken token =
        new AccessToken(
            id,
            org,
            env,
            TokenStatus.ACTIVE,
            "made by the contract suite",
            Scope.EDI,
            createdAt,
            createdAt,
            1);
    return new StoredToken(token, randomDigest(), sealed());
  }

  protected LookupDigest randomDigest() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return new LookupDigest("sha256", bytes);
  }

  private SealedValue sealed() {
    byte[] bytes = new byte[81];
    random.nextBytes(bytes);
    return new SealedValue("k1", bytes);
  }

  private static Change change(TokenEventType type, Instant at) {
    return new Change(type, ALICE, at);
  }

  protected StoredToken insert(StoredToken row) {
    store.insert(row, change(TokenEventType.CREATED, row.token().createdAt()));
    return row;
  }

  private static StoredToken withStatus(StoredToken row, TokenStatus status, Instant at) {
    return row.withToken(row.token().withStatus(status, at));
  }

  // ---- insert and find
  // ---------------------------------------------------------------------------

  @Test
  void insert_thenFind_returnsTheSameRow() {
    StoredToken row = insert(row(ACME, PROD, T0));

    assertThat(store.find(ACME, row.id())).contains(row);
  }

  /** Issue 14: the expiry round-trips to the microsecond, and an update sets or keeps it. */
  @Test
  void insert_withAnExpiry_keepsIt_andAnUpdateSetsIt() {
    StoredToken plain = row(ACME, PROD, T0);
    AccessToken t = plain.token();
    Instant expiry = T0.plus(Duration.ofDays(90)).plusNanos(123_000);
    StoredToken expiring =
        plain.withToken(
            new AccessToken(
                t.id(),
                t.organization(),
                t.environment(),
                t.status(),
                t.description(),
                t.scope(),
                t.createdAt(),
                t.updatedAt(),
                t.version(),
                expiry));
    store.insert(expiring, new Change(TokenEventType.CREATED, ALICE, T0));
    assertThat(store.find(ACME, expiring.id())).contains(expiring);
    assertThat(store.findByDigest(expiring.digest())).contains(expiring);

    StoredToken edited =
        expiring.withToken(expiring.token().withDescription("edited", T0.plusSeconds(1)));
    store.update(edited, new Change(TokenEventType.DESCRIPTION_EDITED, ALICE, T0.plusSeconds(1)));
    assertThat(store.find(ACME, expiring.id()).orElseThrow().token().expiresAt()).isEqualTo(expiry);

    StoredToken sooner =
        edited.withToken(edited.token().withExpiry(T0.plusSeconds(5), T0.plusSeconds(2)));
    store.update(sooner, new Change(TokenEventType.DESCRIPTION_EDITED, ALICE, T0.plusSeconds(2)));
    assertThat(store.find(ACME, expiring.id())).contains(sooner);
    StoredToken never = sooner.withToken(sooner.token().withExpiry(null, T0.plusSeconds(3)));
    store.update(never, new Change(TokenEventType.DESCRIPTION_EDITED, ALICE, T0.plusSeconds(3)));
    assertThat(store.find(ACME, expiring.id())).contains(never);
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).containsExactly(never);
  }

  // ---- rotate (issue 14)
  // ------------------------------------------------------------------------------

  /** The predecessor's row after a rotation at {@code at}: expiring at {@code expiry}. */
  private static StoredToken rotated(StoredToken predecessor, Instant expiry, Instant at) {
    return predecessor.withToken(predecessor.token().withExpiry(expiry, at));
  }

  /** A new token succeeding {@code predecessor}, created at {@code at}. */
  private StoredToken successorOf(StoredToken predecessor, Instant at) {
    AccessToken token =
        Fixtures.successorToken(
            predecessor.token(), new TokenId(NEXT_ID.getAndAdd(0x9E3779B97F4A7C15L)), at);
    return new StoredToken(token, randomDigest(), sealed());
  }

  private static Change rotation(Instant at) {
    return change(TokenEventType.TOKEN_ROTATED, at);
  }

  /** Nothing of a refused rotation is stored: the predecessor as it was, no successor. */
  private void assertNothingWritten(StoredToken predecessor, StoredToken successor) {
    assertThat(store.find(predecessor.organization(), predecessor.id())).contains(predecessor);
    assertThat(store.find(successor.organization(), successor.id())).isEmpty();
    assertThat(store.findByDigest(successor.digest())).isEmpty();
    assertThat(ids(store.list(successor.organization(), TokenFilter.NONE, null, 100)))
        .doesNotContain(successor.id());
  }

  @Test
  void rotate_storesTheSuccessor_andThePredecessorsExpiry_together() {
    StoredToken predecessor = insert(row(ACME, PROD, T0));
    Instant at = T0.plusSeconds(10);
    StoredToken next = rotated(predecessor, at.plus(Duration.ofDays(7)), at);
    StoredToken successor = successorOf(predecessor, at);

    store.rotate(next, successor, rotation(at), TokenLimits.UNLIMITED);

    assertThat(store.find(ACME, predecessor.id())).contains(next);
    assertThat(store.find(ACME, successor.id())).contains(successor);
    assertThat(store.findByDigest(successor.digest())).contains(successor);
    assertThat(store.find(ACME, successor.id()).orElseThrow().token().rotatedFrom())
        .isEqualTo(predecessor.id());
    assertThat(store.find(ACME, predecessor.id()).orElseThrow().token().rotatedFrom()).isNull();
    assertThat(ids(store.list(ACME, TokenFilter.NONE, null, 10)))
        .containsExactly(predecessor.id(), successor.id());
  }

  /** The predecessor is named for good: an update of the successor keeps it. */
  @Test
  void update_ofASuccessor_keepsItsPredecessor() {
    StoredToken predecessor = insert(row(ACME, PROD, T0));
    Instant at = T0.plusSeconds(1);
    StoredToken successor = successorOf(predecessor, at);
    store.rotate(rotated(predecessor, at, at), successor, rotation(at), TokenLimits.UNLIMITED);

    StoredToken off = withStatus(successor, TokenStatus.INACTIVE, at.plusSeconds(1));
    store.update(off, change(TokenEventType.STATUS_CHANGED, at.plusSeconds(1)));

    assertThat(store.find(ACME, successor.id())).contains(off);
    assertThat(store.find(ACME, successor.id()).orElseThrow().token().rotatedFrom())
        .isEqualTo(predecessor.id());
  }

  @Test
  void rotate_withAStaleVersion_isAConflict_andWritesNothing() {
    StoredToken original = insert(row(ACME, PROD, T0));
    StoredToken edited =
        original.withToken(original.token().withDescription("edited", T0.plusSeconds(1)));
    store.update(edited, change(TokenEventType.DESCRIPTION_EDITED, T0.plusSeconds(1)));
    Instant at = T0.plusSeconds(2);
    StoredToken successor = successorOf(original, at);

    assertThatThrownBy(
            () ->
                store.rotate(
                    rotated(original, at, at), successor, rotation(at), TokenLimits.UNLIMITED))
        .isInstanceOf(TokenConflictException.class)
        .hasMessageContaining(original.id().toString());

    assertNothingWritten(edited, successor);
  }

  /** A token has one successor: a second rotation, even at the current version, is refused. */
  @Test
  void rotate_ofATokenAlreadyRotated_isAConflict_andStoresNoSecondSuccessor() {
    StoredToken predecessor = insert(row(ACME, PROD, T0));
    Instant at = T0.plusSeconds(1);
    StoredToken next = rotated(predecessor, at.plusSeconds(3600), at);
    store.rotate(next, successorOf(predecessor, at), rotation(at), TokenLimits.UNLIMITED);

    Instant later = at.plusSeconds(1);
    StoredToken again = rotated(next, later, later);
    StoredToken second = successorOf(next, later);
    assertThatThrownBy(() -> store.rotate(again, second, rotation(later), TokenLimits.UNLIMITED))
        .isInstanceOf(TokenConflictException.class)
        .hasMessageContaining("already rotated")
        .hasMessageContaining(predecessor.id().toString())
        .extracting(e -> ((TokenConflictException) e).notRotatableReason())
        .asString()
        .contains("already rotated");

    assertNothingWritten(next, second);
  }

  @Test
  void rotate_ofAnotherOrganizationsToken_isNotFound_andWritesNothing() {
    StoredToken acme = insert(row(ACME, PROD, T0));
    AccessToken t = acme.token();
    Instant at = T0.plusSeconds(1);
    StoredToken foreign =
        acme.withToken(
            new AccessToken(
                t.id(),
                GLOBEX,
                GLOBEX_PROD,
                t.status(),
                t.description(),
                t.scope(),
                t.createdAt(),
                at,
                2,
                at));
    StoredToken successor = successorOf(foreign, at);

    assertThatThrownBy(() -> store.rotate(foreign, successor, rotation(at), TokenLimits.UNLIMITED))
        .isInstanceOf(TokenNotFoundException.class);

    assertNothingWritten(acme, successor);
    assertThat(store.list(GLOBEX, TokenFilter.NONE, null, 10)).isEmpty();
  }

  @Test
  void rotate_ofADeletedToken_isNotFound_andWritesNothing() {
    StoredToken predecessor = insert(row(ACME, PROD, T0));
    store.delete(ACME, predecessor.id(), change(TokenEventType.DELETED, T0));
    Instant at = T0.plusSeconds(1);
    StoredToken successor = successorOf(predecessor, at);

    assertThatThrownBy(
            () ->
                store.rotate(
                    rotated(predecessor, at, at), successor, rotation(at), TokenLimits.UNLIMITED))
        .isInstanceOf(TokenNotFoundException.class);

    assertThat(store.find(ACME, predecessor.id())).isEmpty();
    assertThat(store.find(ACME, successor.id())).isEmpty();
    assertThat(store.findByDigest(successor.digest())).isEmpty();
  }

  /** The successor takes a place while the predecessor still holds its own. */
  @Test
  void rotate_atTheOrganizationsLimit_isRefused_andWritesNothing() {
    StoredToken predecessor = insert(row(ACME, PROD, T0), 2);
    insert(row(ACME, TEST, T0.plusSeconds(1)), 2);
    Instant at = T0.plusSeconds(2);
    StoredToken successor = successorOf(predecessor, at);

    assertThatThrownBy(() -> store.rotate(rotated(predecessor, at, at), successor, rotation(at), 2))
        .isInstanceOf(TokenLimitExceededException.class);
    assertNothingWritten(predecessor, successor);

    store.rotate(rotated(predecessor, at, at), successor, rotation(at), 3);
    assertThat(store.find(ACME, successor.id())).contains(successor);
  }

  /** A successor whose id or digest is taken is refused, and the predecessor keeps its expiry. */
  @Test
  void rotate_withASuccessorWhoseDigestIsTaken_isADuplicate_andWritesNothing() {
    StoredToken predecessor = insert(row(ACME, PROD, T0));
    StoredToken other = insert(row(ACME, PROD, T0.plusSeconds(1)));
    Instant at = T0.plusSeconds(2);
    StoredToken fresh = successorOf(predecessor, at);
    StoredToken clash = new StoredToken(fresh.token(), other.digest(), fresh.sealedValue());

    assertThatThrownBy(
            () ->
                store.rotate(
                    rotated(predecessor, at, at), clash, rotation(at), TokenLimits.UNLIMITED))
        .isInstanceOf(DuplicateTokenException.class);

    assertThat(store.find(ACME, predecessor.id())).contains(predecessor);
    assertThat(store.find(ACME, clash.id())).isEmpty();
    assertThat(store.findByDigest(other.digest())).contains(other);
    store.rotate(rotated(predecessor, at, at), fresh, rotation(at), TokenLimits.UNLIMITED);
    assertThat(store.find(ACME, fresh.id())).contains(fresh);
  }

  @Test
  void rotate_withASuccessorThatDoesNotNameThePredecessor_isRefused() {
    StoredToken predecessor = insert(row(ACME, PROD, T0));
    Instant at = T0.plusSeconds(1);
    StoredToken unrelated = row(ACME, PROD, at);

    assertThatThrownBy(
            () ->
                store.rotate(
                    rotated(predecessor, at, at), unrelated, rotation(at), TokenLimits.UNLIMITED))
        .isInstanceOf(IllegalArgumentException.class);
    assertNothingWritten(predecessor, unrelated);
  }

  /** Two rotations of one token at once: exactly one stores its successor. */
  @Test
  void concurrentRotations_ofOneToken_storeExactlyOneSuccessor() throws Exception {
    StoredToken predecessor = insert(row(ACME, PROD, T0));
    int threads = 8;
    Instant at = T0.plusSeconds(1);
    List<StoredToken> successors = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      successors.add(successorOf(predecessor, at.plusMillis(i)));
    }
    AtomicInteger won = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    Concurrently.run(
        threads,
        t -> {
          try {
            store.rotate(
                rotated(predecessor, at.plusSeconds(60), at),
                successors.get(t),
                rotation(at),
                TokenLimits.UNLIMITED);
            won.incrementAndGet();
          } catch (TokenConflictException e) {
            conflicts.incrementAndGet();
          }
        });

    assertThat(won.get()).isEqualTo(1);
    assertThat(conflicts.get()).isEqualTo(threads - 1);
    assertThat(store.list(ACME, TokenFilter.NONE, null, 100)).hasSize(2);
  }

  /** Issue 14: the reminder's conditional write, the rule every node's reminders rely on. */
  @Test
  void markReminded_winsOncePerThresholdAndExpiry_onlyForTheOrganizationsToken() {
    StoredToken plain = row(ACME, PROD, T0);
    Instant expiry = T0.plus(Duration.ofDays(10));
    StoredToken row = plain.withToken(plain.token().withExpiry(expiry, T0));
    store.insert(
        new StoredToken(
            new AccessToken(
                row.id(), ACME, PROD, TokenStatus.ACTIVE, null, Scope.EDI, T0, T0, 1, expiry),
            row.digest(),
            row.sealedValue()),
        new Change(TokenEventType.CREATED, ALICE, T0));

    assertThat(store.markReminded(GLOBEX, row.id(), expiry, Duration.ofDays(30))).isFalse();
    assertThat(store.markReminded(ACME, new TokenId(12345), expiry, Duration.ofDays(30))).isFalse();
    assertThat(store.markReminded(ACME, row.id(), expiry.plusSeconds(1), Duration.ofDays(30)))
        .as("another expiry")
        .isFalse();
    assertThat(store.markReminded(ACME, row.id(), expiry, Duration.ofDays(30))).isTrue();
    assertThat(store.markReminded(ACME, row.id(), expiry, Duration.ofDays(30))).isFalse();
    assertThat(store.markReminded(ACME, row.id(), expiry, Duration.ofDays(60))).isFalse();
    assertThat(store.markReminded(ACME, row.id(), expiry, Duration.ofDays(7))).isTrue();
    assertThat(store.markReminded(ACME, row.id(), expiry, Duration.ofDays(7))).isFalse();

    StoredToken stored = store.find(ACME, row.id()).orElseThrow();
    Instant later = expiry.plus(Duration.ofDays(30));
    StoredToken extended = stored.withToken(stored.token().withExpiry(later, T0.plusSeconds(1)));
    store.update(extended, new Change(TokenEventType.DESCRIPTION_EDITED, ALICE, T0.plusSeconds(1)));
    assertThat(store.markReminded(ACME, row.id(), later, Duration.ofDays(30)))
        .as("a new expiry is reminded afresh")
        .isTrue();
    assertThat(store.find(ACME, row.id())).contains(extended);
  }

  @Test
  void insert_withoutDescriptionOrSealedValue_keepsThemAbsent() {
    AccessToken t = row(ACME, PROD, T0).token();
    StoredToken row =
        new StoredToken(
            new AccessToken(
                t.id(),
                t.organization(),
                t.environment(),
                t.status(),
                null,
                t.scope(),
                t.createdAt(),
                t.createdAt(),
                1),
            randomDigest(),
            null);
    insert(row);

    StoredToken found = store.find(ACME, row.id()).orElseThrow();
    assertThat(found.token().description()).isNull();
    assertThat(found.sealedValue()).isNull();
    assertThat(found).isEqualTo(row);
  }

  @Test
  void find_inAnotherOrganization_isEmpty() {
    StoredToken row = insert(row(ACME, PROD, T0));

    assertThat(store.find(GLOBEX, row.id())).isEmpty();
  }

  @Test
  void find_unknownId_isEmpty() {
    assertThat(store.find(ACME, new TokenId(7))).isEmpty();
  }

  // ---- limits (issue 15)
  // ---------------------------------------------------------------------------------

  private StoredToken insert(StoredToken row, long maxTokens) {
    store.insert(row, change(TokenEventType.CREATED, row.token().createdAt()), maxTokens);
    return row;
  }

  @Test
  void insert_withALimit_countsActiveAndInactiveTokens_andOnlyADeleteGivesAPlaceBack() {
    StoredToken first = insert(row(ACME, PROD, T0), 2);
    StoredToken second = insert(row(ACME, TEST, T0.plusSeconds(1)), 2);
    store.update(
        withStatus(second, TokenStatus.INACTIVE, T0.plusSeconds(2)),
        change(TokenEventType.STATUS_CHANGED, T0.plusSeconds(2)));
    StoredToken third = row(ACME, PROD, T0.plusSeconds(3));
    Instant t1 = T0.plusSeconds(10);

    assertThatThrownBy(() -> insert(third, 2))
        .isInstanceOf(TokenLimitExceededException.class)
        .hasMessageContaining("organization acme already holds its limit of 2 tokens");
    assertThat(store.find(ACME, third.id())).isEmpty();
    assertThat(store.findByDigest(third.digest())).isEmpty();
    insert(row(GLOBEX, GLOBEX_PROD, T0), 1); // another organization's count
    assertThat(store.delete(ACME, new TokenId(0x0BADC0FFEEL), change(TokenEventType.DELETED, t1)))
        .isEmpty();
    assertThat(store.delete(GLOBEX, first.id(), change(TokenEventType.DELETED, t1))).isEmpty();
    assertThatThrownBy(() -> insert(third, 2)).isInstanceOf(TokenLimitExceededException.class);

    assertThat(store.delete(ACME, first.id(), change(TokenEventType.DELETED, t1))).isPresent();
    insert(third, 2);
    assertThatThrownBy(() -> insert(row(ACME, PROD, t1), 2))
        .isInstanceOf(TokenLimitExceededException.class);
    insert(row(ACME, PROD, t1), 3); // a higher limit on the next call
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).hasSize(3);
  }

  @Test
  void insert_refusedAsADuplicate_takesNoPlace() {
    StoredToken first = insert(row(ACME, PROD, T0), 2);
    StoredToken clash = row(first.id(), ACME, PROD, T0.plusSeconds(1));
    assertThatThrownBy(() -> insert(clash, 2)).isInstanceOf(DuplicateTokenException.class);
    insert(row(ACME, PROD, T0.plusSeconds(2)), 2);
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).hasSize(2);
  }

  @Test
  void insert_withANegativeLimit_isRefused_andStoresNothing() {
    StoredToken row = row(ACME, PROD, T0);
    assertThatThrownBy(() -> insert(row, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
    assertThat(store.find(ACME, row.id())).isEmpty();
    insert(row(ACME, PROD, T0), 1);
  }

  /** "Up to {@code limit}": a limit of zero (or less) is an empty page, never every row. */
  @Test
  void aLimitOfZeroOrLess_readsAnEmptyPage_fromListScanAndTheChangeLog() {
    insert(row(ACME, PROD, T0));
    insert(row(ACME, PROD, T0.plusSeconds(1)));
    for (int limit : new int[] {0, -1}) {
      assertThat(store.list(ACME, TokenFilter.NONE, null, limit)).as("list, %s", limit).isEmpty();
      assertThat(store.scan(null, limit)).as("scan, %s", limit).isEmpty();
      ChangeFeed feed = changeFeedOf(store);
      if (feed != null) {
        assertThat(feed.changesAfter(0, limit)).as("changesAfter, %s", limit).isEmpty();
      }
    }
    assertThat(store.list(ACME, TokenFilter.NONE, null, 1)).hasSize(1);
    assertThat(store.scan(null, 1)).hasSize(1);
  }

  @Test
  void insert_withTakenId_isRefused_andTheStoredRowIsUnchanged() {
    StoredToken first = insert(row(ACME, PROD, T0));
    StoredToken clash = row(first.id(), GLOBEX, TEST, T0.plusSeconds(1));

    assertThatThrownBy(() -> insert(clash)).isInstanceOf(DuplicateTokenException.class);
    assertThat(store.find(ACME, first.id())).contains(first);
    assertThat(store.find(GLOBEX, first.id())).isEmpty();
    assertThat(store.findByDigest(clash.digest())).isEmpty();
    assertThat(store.list(GLOBEX, TokenFilter.NONE, null, 10)).isEmpty();
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).containsExactly(first);
  }

  @Test
  void insert_withTakenId_atTheSameTime_isRefused_andTheListStillShowsTheStoredRow() {
    StoredToken first = insert(row(ACME, PROD, T0));
    StoredToken clash = row(first.id(), ACME, PROD, T0);

    assertThatThrownBy(() -> insert(clash)).isInstanceOf(DuplicateTokenException.class);
    assertThat(store.find(ACME, first.id())).contains(first);
    assertThat(store.findByDigest(clash.digest())).isEmpty();
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).containsExactly(first);
    assertThat(store.scan(null, 10)).containsExactly(first);
  }

  @Test
  void insert_withTakenDigest_isRefused_andNothingIsWritten() {
    StoredToken first = insert(row(ACME, PROD, T0));
    StoredToken other = row(ACME, PROD, T0);
    StoredToken clash = new StoredToken(other.token(), first.digest(), other.sealedValue());

    assertThatThrownBy(() -> insert(clash))
        .isInstanceOf(DuplicateTokenException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(hex(first.digest().value())));
    assertThat(store.find(ACME, clash.id())).isEmpty();
    assertThat(store.findByDigest(first.digest()).orElseThrow().id()).isEqualTo(first.id());
  }

  @Test
  void findByDigest_findsTheRowInAnyOrganization() {
    StoredToken acme = insert(row(ACME, PROD, T0));
    StoredToken globex = insert(row(GLOBEX, TEST, T0));

    assertThat(store.findByDigest(acme.digest())).contains(acme);
    assertThat(store.findByDigest(globex.digest())).contains(globex);
  }

  @Test
  void findByDigest_needsTheSameKeyIdAndBytes() {
    StoredToken row = insert(row(ACME, PROD, T0));

    assertThat(store.findByDigest(new LookupDigest("hmac:k1", row.digest().value()))).isEmpty();
    assertThat(store.findByDigest(randomDigest())).isEmpty();
  }

  @Test
  void times_keepMicrosecondPrecision() {
    Instant precise = Instant.parse("2031-07-08T09:10:11.987654Z");
    StoredToken row = insert(row(ACME, PROD, precise));

    assertThat(store.find(ACME, row.id()).orElseThrow().token().createdAt()).isEqualTo(precise);
  }

  @Test
  void description_isStoredLosslessly_inFullUnicode() {
    String description =
        "Prod \u2014 EDI partner \u00e9\u00e8 \u4e2d\u6587 \ud83d\ude80\ud83d\udd11 "
            + "\ud835\udd4f".repeat(100)
            + " \u05e2\u05d1\u05e8\u05d9\u05ea";
    StoredToken base = row(ACME, PROD, T0);
    AccessToken t = base.token();
    StoredToken row =
        base.withToken(
            new AccessToken(
                t.id(),
                t.organization(),
                t.environment(),
                t.status(),
                description,
                t.scope(),
                t.createdAt(),
                t.updatedAt(),
                1));
    insert(row);

    assertThat(store.find(ACME, row.id()).orElseThrow().token().description())
        .isEqualTo(description);
  }

  @Test
  void sealedValueAndDigest_roundTripByteForByte() {
    StoredToken row = insert(row(ACME, PROD, T0));

    StoredToken found = store.find(ACME, row.id()).orElseThrow();
    assertThat(found.digest().value()).isEqualTo(row.digest().value());
    assertThat(found.sealedValue().ciphertext()).isEqualTo(row.sealedValue().ciphertext());
    assertThat(found.sealedValue().keyId()).isEqualTo("k1");
  }

  // ---- list and scan
  // -------------------------------------------------------------------------------

  @Test
  void list_ordersByCreationTimeThenUnsignedId() {
    StoredToken late = insert(row(new TokenId(5), ACME, PROD, T0.plusSeconds(10)));
    StoredToken tieHighId = insert(row(new TokenId(-3), ACME, PROD, T0)); // unsigned: the largest
    StoredToken tieLowId = insert(row(new TokenId(9), ACME, PROD, T0));
    StoredToken early = insert(row(new TokenId(100), ACME, PROD, T0.minusSeconds(10)));

    assertThat(ids(store.list(ACME, TokenFilter.NONE, null, 10)))
        .containsExactly(early.id(), tieLowId.id(), tieHighId.id(), late.id());
  }

  @Test
  void list_startsStrictlyAfterTheCursor_andStopsAtTheLimit() {
    List<StoredToken> rows = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      rows.add(insert(row(ACME, PROD, T0.plusMillis(i))));
    }

    List<StoredToken> page =
        store.list(ACME, TokenFilter.NONE, PageCursor.after(rows.get(2).token()), 3);

    assertThat(ids(page)).containsExactly(rows.get(3).id(), rows.get(4).id(), rows.get(5).id());
  }

  @Test
  void list_filtersByEnvironmentAndStatus() {
    StoredToken prodActive = insert(row(ACME, PROD, T0));
    StoredToken prodInactive = insert(row(ACME, PROD, T0.plusMillis(1)));
    store.update(
        withStatus(prodInactive, TokenStatus.INACTIVE, T0.plusSeconds(1)),
        change(TokenEventType.STATUS_CHANGED, T0.plusSeconds(1)));
    StoredToken testActive = insert(row(ACME, TEST, T0.plusMillis(2)));

    assertThat(ids(store.list(ACME, new TokenFilter(PROD, null), null, 10)))
        .containsExactly(prodActive.id(), prodInactive.id());
    assertThat(ids(store.list(ACME, new TokenFilter(null, TokenStatus.ACTIVE), null, 10)))
        .containsExactly(prodActive.id(), testActive.id());
    assertThat(ids(store.list(ACME, new TokenFilter(PROD, TokenStatus.INACTIVE), null, 10)))
        .containsExactly(prodInactive.id());
    assertThat(store.list(ACME, new TokenFilter(TEST, TokenStatus.INACTIVE), null, 10)).isEmpty();
  }

  @Test
  void list_showsOnlyTheOrganizationsOwnTokens() {
    StoredToken acme = insert(row(ACME, PROD, T0));
    insert(row(GLOBEX, PROD, T0));

    assertThat(ids(store.list(ACME, TokenFilter.NONE, null, 10))).containsExactly(acme.id());
    assertThat(store.list(OrganizationId.of("nobody"), TokenFilter.NONE, null, 10)).isEmpty();
  }

  @Test
  void list_pagesThroughEveryRowExactlyOnce_whileRowsAreInsertedAndDeleted() {
    List<StoredToken> initial = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      initial.add(insert(row(ACME, PROD, T0.plusMillis(i * 10L))));
    }
    Set<TokenId> deleted = new HashSet<>();
    List<TokenId> seen = new ArrayList<>();
    PageCursor cursor = null;
    int page = 0;
    while (true) {
      List<StoredToken> rows = store.list(ACME, TokenFilter.NONE, cursor, 7);
      rows.forEach(r -> seen.add(r.id()));
      if (rows.size() < 7) {
        break;
      }
      cursor = PageCursor.after(rows.get(rows.size() - 1).token());
      // Between pages: a row before the cursor goes, a row after it goes, rows arrive before and
      // after.
      StoredToken behind = initial.get(page);
      StoredToken ahead = initial.get(59 - page);
      if (deleted.add(behind.id())) {
        store.delete(ACME, behind.id(), change(TokenEventType.DELETED, T0));
      }
      if (deleted.add(ahead.id())) {
        store.delete(ACME, ahead.id(), change(TokenEventType.DELETED, T0));
      }
      insert(row(ACME, PROD, T0.minusSeconds(1 + page)));
      page++;
    }
    Set<TokenId> expected = new HashSet<>();
    for (StoredToken r : initial) {
      if (!deleted.contains(r.id())) {
        expected.add(r.id());
      }
    }
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsAll(expected);
    assertThat(seen)
        .doesNotContainAnyElementsOf(
            initial.stream().skip(30).map(StoredToken::id).filter(deleted::contains).toList());
  }

  @Test
  void scan_walksEveryOrganization_inUnsignedIdOrder() {
    Set<TokenId> all = new HashSet<>();
    for (long bits : new long[] {3, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0, 77}) {
      all.add(insert(row(new TokenId(bits), bits % 2 == 0 ? ACME : GLOBEX, PROD, T0)).id());
    }
    List<TokenId> walked = new ArrayList<>();
    TokenId after = null;
    while (true) {
      List<StoredToken> batch = store.scan(after, 4);
      batch.forEach(r -> walked.add(r.id()));
      if (batch.size() < 4) {
        break;
      }
      after = batch.get(batch.size() - 1).id();
    }
    assertThat(walked).containsExactlyInAnyOrderElementsOf(all);
    assertThat(walked).isSortedAccordingTo((a, b) -> Long.compareUnsigned(a.bits(), b.bits()));
  }

  // ---- update
  // --------------------------------------------------------------------------------------

  @Test
  void update_withTheNextVersion_replacesTheMutableFields() {
    StoredToken row = insert(row(ACME, PROD, T0));
    Instant at = T0.plusSeconds(30);
    LookupDigest newDigest = randomDigest();
    SealedValue newSeal = new SealedValue("k2", new byte[] {1, 2, 3});
    AccessToken t = row.token();
    StoredToken next =
        new StoredToken(
            new AccessToken(
                t.id(),
                t.organization(),
                t.environment(),
                TokenStatus.INACTIVE,
                "renamed",
                t.scope(),
                t.createdAt(),
                at,
                2),
            newDigest,
            newSeal);

    store.update(next, change(TokenEventType.STATUS_CHANGED, at));

    StoredToken found = store.find(ACME, row.id()).orElseThrow();
    assertThat(found).isEqualTo(next);
    assertThat(store.findByDigest(newDigest)).contains(next);
    assertThat(store.findByDigest(row.digest())).isEmpty();
  }

  @Test
  void update_neverChangesIdOrganizationEnvironmentMaskScopeOrCreationTime() {
    StoredToken row = insert(row(ACME, PROD, T0));
    AccessToken t = row.token();
    Instant at = T0.plusSeconds(5);
    StoredToken forged =
        row.withToken(
            new AccessToken(
                t.id(),
                t.organization(),
                TEST,
                TokenStatus.INACTIVE,
                t.description(),
                t.scope(),
                T0.minusSeconds(99),
                at,
                2));

    store.update(forged, change(TokenEventType.STATUS_CHANGED, at));

    AccessToken stored = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(stored.environment()).isEqualTo(PROD);
    assertThat(stored.maskedValue()).isEqualTo(t.maskedValue());
    assertThat(stored.createdAt()).isEqualTo(T0);
    assertThat(stored.status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(stored.version()).isEqualTo(2);
  }

  @Test
  void update_withAStaleVersion_isAConflict_andWritesNothing() {
    StoredToken row = insert(row(ACME, PROD, T0));
    StoredToken first = withStatus(row, TokenStatus.INACTIVE, T0.plusSeconds(1));
    store.update(first, change(TokenEventType.STATUS_CHANGED, T0.plusSeconds(1)));

    StoredToken stale =
        row.withToken(row.token().withDescription("lost update?", T0.plusSeconds(2)));
    assertThatThrownBy(
            () -> store.update(stale, change(TokenEventType.DESCRIPTION_EDITED, T0.plusSeconds(2))))
        .isInstanceOf(TokenConflictException.class)
        .isNotInstanceOf(DuplicateTokenException.class)
        .hasMessageContaining(row.id().toString());

    assertThat(store.find(ACME, row.id())).contains(first);
  }

  @Test
  void update_ofADeletedToken_isNotFound_andDoesNotBringItBack() {
    StoredToken row = insert(row(ACME, PROD, T0));
    store.delete(ACME, row.id(), change(TokenEventType.DELETED, T0));

    assertThatThrownBy(
            () ->
                store.update(
                    withStatus(row, TokenStatus.INACTIVE, T0.plusSeconds(1)),
                    change(TokenEventType.STATUS_CHANGED, T0.plusSeconds(1))))
        .isInstanceOf(TokenNotFoundException.class);
    assertThat(store.find(ACME, row.id())).isEmpty();
    assertThat(store.findByDigest(row.digest())).isEmpty();
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).isEmpty();
  }

  @Test
  void update_fromAnotherOrganization_isNotFound_andChangesNothing() {
    StoredToken row = insert(row(ACME, PROD, T0));
    AccessToken t = row.token();
    StoredToken foreign =
        row.withToken(
            new AccessToken(
                t.id(),
                GLOBEX,
                t.environment(),
                TokenStatus.INACTIVE,
                t.description(),
                t.scope(),
                t.createdAt(),
                T0.plusSeconds(1),
                2));

    assertThatThrownBy(
            () -> store.update(foreign, change(TokenEventType.STATUS_CHANGED, T0.plusSeconds(1))))
        .isInstanceOf(TokenNotFoundException.class);
    assertThat(store.find(ACME, row.id())).contains(row);
  }

  // ---- delete
  // --------------------------------------------------------------------------------------

  @Test
  void delete_returnsTheRemovedRow_andASecondDeleteFindsNothing() {
    StoredToken row = insert(row(ACME, PROD, T0));

    assertThat(store.delete(ACME, row.id(), change(TokenEventType.DELETED, T0))).contains(row);
    assertThat(store.delete(ACME, row.id(), change(TokenEventType.DELETED, T0))).isEmpty();
    assertThat(store.find(ACME, row.id())).isEmpty();
    assertThat(store.findByDigest(row.digest())).isEmpty();
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).isEmpty();
    assertThat(store.scan(null, 10)).isEmpty();
  }

  @Test
  void delete_fromAnotherOrganization_findsNothing_andKeepsTheRow() {
    StoredToken row = insert(row(ACME, PROD, T0));

    assertThat(store.delete(GLOBEX, row.id(), change(TokenEventType.DELETED, T0))).isEmpty();
    assertThat(store.find(ACME, row.id())).contains(row);
  }

  @Test
  void delete_thenInsertOfANewToken_works() {
    StoredToken row = insert(row(ACME, PROD, T0));
    store.delete(ACME, row.id(), change(TokenEventType.DELETED, T0));

    StoredToken again = insert(row(ACME, PROD, T0.plusSeconds(1)));
    assertThat(store.find(ACME, again.id())).contains(again);
  }

  // ---- last used (issue 14)
  // ------------------------------------------------------------------------------

  /**
   * The change log of {@code store}, or null if it keeps none; by default the store itself if it is
   * a {@link ChangeFeed}. {@link TokenStoreTck} passes its own hook on.
   */
  protected @Nullable ChangeFeed changeFeedOf(TokenStore store) {
    return store instanceof ChangeFeed feed ? feed : null;
  }

  private @Nullable Instant lastUsedAt(OrganizationId org, TokenId id) {
    return store.find(org, id).orElseThrow().token().lastUsedAt();
  }

  private void recordLastUsed(OrganizationId org, TokenId id, Instant at) {
    store.recordLastUsed(List.of(new LastUse(org, id, at)));
  }

  @Test
  void recordLastUsed_isAMonotonicMax_whicheverNodeWritesFirst() {
    StoredToken a = insert(row(ACME, PROD, T0));
    StoredToken b = insert(row(ACME, PROD, T0));
    assertThat(lastUsedAt(ACME, a.id())).as("never used").isNull();
    Instant older = T0.plusSeconds(60);
    Instant newer = T0.plusSeconds(120);

    // a: the newer node flushes first, then a slow node with an older time
    recordLastUsed(ACME, a.id(), newer);
    recordLastUsed(ACME, a.id(), older);
    // b: the other order
    recordLastUsed(ACME, b.id(), older);
    recordLastUsed(ACME, b.id(), newer);

    assertThat(lastUsedAt(ACME, a.id())).isEqualTo(newer);
    assertThat(lastUsedAt(ACME, b.id())).isEqualTo(newer);
    recordLastUsed(ACME, a.id(), newer);
    assertThat(lastUsedAt(ACME, a.id())).as("the same time again").isEqualTo(newer);
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10))
        .extracting(r -> r.token().lastUsedAt())
        .as("the list shows it")
        .containsExactly(newer, newer);
  }

  private @Nullable ConnectionSource lastUsedFrom(OrganizationId org, TokenId id) {
    return store.find(org, id).orElseThrow().token().lastUsedFrom();
  }

  private void recordLastUsed(
      OrganizationId org, TokenId id, Instant at, @Nullable ConnectionSource from) {
    store.recordLastUsed(List.of(new LastUse(org, id, at, from)));
  }

  @Test
  void recordLastUsed_keepsTheSourceOfTheNewestUse_whicheverNodeWritesFirst() {
    StoredToken a = insert(row(ACME, PROD, T0));
    StoredToken b = insert(row(ACME, PROD, T0));
    assertThat(lastUsedFrom(ACME, a.id())).as("never used").isNull();
    ConnectionSource slowNode = ConnectionSource.of("10.0.0.7");
    ConnectionSource newerNode = ConnectionSource.of("[2001:db8::7]:443");
    Instant older = T0.plusSeconds(60);
    Instant newer = T0.plusSeconds(120);

    // a: the newer use is flushed first, then a slow node's older one, which changes nothing
    recordLastUsed(ACME, a.id(), newer, newerNode);
    recordLastUsed(ACME, a.id(), older, slowNode);
    // b: the other order
    recordLastUsed(ACME, b.id(), older, slowNode);
    recordLastUsed(ACME, b.id(), newer, newerNode);

    for (StoredToken row : List.of(a, b)) {
      AccessToken stored = store.find(ACME, row.id()).orElseThrow().token();
      assertThat(stored.lastUsedAt()).isEqualTo(newer);
      assertThat(stored.lastUsedFrom()).as("the newest use's source").isEqualTo(newerNode);
    }
    recordLastUsed(ACME, a.id(), newer, slowNode);
    assertThat(lastUsedFrom(ACME, a.id()))
        .as("the same time again from elsewhere: the first written stays")
        .isEqualTo(newerNode);
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10))
        .extracting(r -> r.token().lastUsedFrom())
        .as("the list shows it")
        .containsExactly(newerNode, newerNode);
  }

  /**
   * The stored source is always the stored time's: a newer use the host passed no source for clears
   * it (an older address beside the newer time would say the newer use came from there), and an
   * older use without one leaves it alone.
   */
  @Test
  void recordLastUsed_withoutASource_clearsTheSourceOnlyWithANewerTime() {
    StoredToken row = insert(row(ACME, PROD, T0));
    ConnectionSource from = ConnectionSource.of("10.0.0.7");
    recordLastUsed(ACME, row.id(), T0.plusSeconds(60), from);

    recordLastUsed(ACME, row.id(), T0.plusSeconds(30), null);
    assertThat(lastUsedFrom(ACME, row.id())).as("an older use without a source").isEqualTo(from);

    recordLastUsed(ACME, row.id(), T0.plusSeconds(90), null);
    AccessToken stored = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(stored.lastUsedAt()).isEqualTo(T0.plusSeconds(90));
    assertThat(stored.lastUsedFrom()).as("a newer use without a source").isNull();

    StoredToken never = insert(row(ACME, PROD, T0));
    recordLastUsed(ACME, never.id(), T0.plusSeconds(5), null);
    assertThat(lastUsedAt(ACME, never.id())).isEqualTo(T0.plusSeconds(5));
    assertThat(lastUsedFrom(ACME, never.id())).isNull();
  }

  @Test
  void recordLastUsed_withASource_writesOnlyTheOrganizationsToken() {
    StoredToken acme = insert(row(ACME, PROD, T0));
    StoredToken globex = insert(row(GLOBEX, GLOBEX_PROD, T0));
    ConnectionSource acmeSource = ConnectionSource.of("10.0.0.7");

    store.recordLastUsed(
        List.of(
            new LastUse(GLOBEX, acme.id(), T0.plusSeconds(9), ConnectionSource.of("192.0.2.1")),
            new LastUse(ACME, globex.id(), T0.plusSeconds(9), acmeSource)));

    assertThat(lastUsedAt(ACME, acme.id())).as("another organization's flush").isNull();
    assertThat(lastUsedFrom(ACME, acme.id())).isNull();
    assertThat(lastUsedFrom(GLOBEX, globex.id())).isNull();
    store.recordLastUsed(List.of(new LastUse(ACME, acme.id(), T0.plusSeconds(9), acmeSource)));
    assertThat(lastUsedFrom(ACME, acme.id())).isEqualTo(acmeSource);
    assertThat(lastUsedFrom(GLOBEX, globex.id())).isNull();
  }

  @Test
  void recordLastUsed_keepsTheVersionAndUpdatedTime_andLogsNoChange() {
    StoredToken row = insert(row(ACME, PROD, T0));
    ChangeFeed feed = changeFeedOf(store);
    long head = feed == null ? 0 : feed.head();

    recordLastUsed(ACME, row.id(), T0.plusSeconds(5), ConnectionSource.of("10.0.0.7"));

    AccessToken stored = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.updatedAt()).isEqualTo(T0);
    assertThat(stored.lastUsedAt()).isEqualTo(T0.plusSeconds(5));
    if (feed != null) {
      assertThat(feed.head()).as("no change record for a use").isEqualTo(head);
    }
    // A user's change made with the row read before the flush neither conflicts nor loses the use.
    StoredToken edited = row.withToken(row.token().withDescription("edited", T0.plusSeconds(6)));
    store.update(edited, change(TokenEventType.DESCRIPTION_EDITED, T0.plusSeconds(6)));
    AccessToken after = store.find(ACME, row.id()).orElseThrow().token();
    assertThat(after.version()).isEqualTo(2);
    assertThat(after.lastUsedAt()).as("kept by the update").isEqualTo(T0.plusSeconds(5));
    assertThat(after.lastUsedFrom())
        .as("kept by the update")
        .isEqualTo(ConnectionSource.of("10.0.0.7"));
  }

  @Test
  void recordLastUsed_writesOnlyTheOrganizationsToken_andNeverADeletedOne() {
    StoredToken acme = insert(row(ACME, PROD, T0));
    StoredToken gone = insert(row(ACME, PROD, T0));
    store.delete(ACME, gone.id(), change(TokenEventType.DELETED, T0.plusSeconds(1)));

    store.recordLastUsed(
        List.of(
            new LastUse(GLOBEX, acme.id(), T0.plusSeconds(9)),
            new LastUse(ACME, gone.id(), T0.plusSeconds(9)),
            new LastUse(ACME, new TokenId(424242), T0.plusSeconds(9))));
    store.recordLastUsed(List.of());

    assertThat(lastUsedAt(ACME, acme.id())).as("another organization's flush").isNull();
    assertThat(store.find(ACME, gone.id())).as("not brought back").isEmpty();
    assertThat(store.list(ACME, TokenFilter.NONE, null, 10)).hasSize(1);
  }

  @Test
  void recordLastUsed_ofManyTokensAtOnce_writesEach() {
    List<StoredToken> rows = new ArrayList<>();
    List<LastUse> uses = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      StoredToken row = insert(row(ACME, PROD, T0));
      rows.add(row);
      uses.add(new LastUse(ACME, row.id(), T0.plusSeconds(i)));
    }
    store.recordLastUsed(uses);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(lastUsedAt(ACME, rows.get(i).id())).isEqualTo(T0.plusSeconds(i));
    }
  }

  @Test
  void list_unusedSince_keepsTheTokensLastUsedBefore_orNeverUsedAndCreatedBefore() {
    Instant since = T0.plus(Duration.ofDays(90));
    StoredToken usedLongAgo = insert(row(ACME, PROD, T0));
    StoredToken usedRecently = insert(row(ACME, PROD, T0.plusSeconds(1)));
    StoredToken neverUsed = insert(row(ACME, TEST, T0.plusSeconds(2)));
    StoredToken createdAfter = insert(row(ACME, PROD, since.plusSeconds(1)));
    StoredToken usedExactlyThen = insert(row(ACME, PROD, T0.plusSeconds(3)));
    insert(row(GLOBEX, GLOBEX_PROD, T0));
    recordLastUsed(ACME, usedLongAgo.id(), T0.plus(Duration.ofDays(1)));
    recordLastUsed(ACME, usedRecently.id(), since.plusSeconds(60));
    recordLastUsed(ACME, usedExactlyThen.id(), since);
    TokenFilter unused = new TokenFilter(null, null, null, null, since);

    assertThat(ids(store.list(ACME, unused, null, 10)))
        .containsExactly(usedLongAgo.id(), neverUsed.id());
    assertThat(ids(store.list(ACME, new TokenFilter(TEST, null, null, null, since), null, 10)))
        .containsExactly(neverUsed.id());
    List<StoredToken> first = store.list(ACME, unused, null, 1);
    assertThat(ids(first)).containsExactly(usedLongAgo.id());
    assertThat(ids(store.list(ACME, unused, PageCursor.after(first.get(0).token()), 10)))
        .containsExactly(neverUsed.id());
    assertThat(createdAfter.id()).isNotIn(ids(store.list(ACME, unused, null, 10)));
  }

  // ---- concurrency
  // ---------------------------------------------------------------------------------

  /**
   * Eight threads race compare-and-set updates on one token: every success must be a distinct
   * version, so the final version is exactly one more than the number of successes (a single lost
   * update fails).
   */
  @Test
  void concurrentUpdates_loseNothing_everySuccessIsOneVersion() throws Exception {
    StoredToken row = insert(row(ACME, PROD, T0));
    int threads = 8;
    int attemptsPerThread = 150;
    AtomicInteger successes = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    Concurrently.run(
        threads,
        t -> {
          for (int i = 0; i < attemptsPerThread; i++) {
            StoredToken current = store.find(ACME, row.id()).orElseThrow();
            Instant at = current.token().updatedAt().plusNanos(1000);
            StoredToken next =
                current.withToken(current.token().withDescription("t" + t + " i" + i, at));
            try {
              store.update(next, change(TokenEventType.DESCRIPTION_EDITED, at));
              successes.incrementAndGet();
            } catch (TokenConflictException e) {
              conflicts.incrementAndGet();
            }
          }
        });

    assertThat(successes.get() + conflicts.get()).isEqualTo(threads * attemptsPerThread);
    assertThat(successes.get()).isPositive();
    assertThat(store.find(ACME, row.id()).orElseThrow().version()).isEqualTo(1L + successes.get());
  }

  /** A delete racing status changes wins for good: the token never comes back. */
  @Test
  void deleteRacingUpdates_isNeverUndone() throws Exception {
    for (int round = 0; round < 20; round++) {
      StoredToken row = insert(row(ACME, PROD, T0.plusSeconds(round)));
      CountDownLatch deleted = new CountDownLatch(1);
      Concurrently.run(
          4,
          t -> {
            if (t == 0) {
              store.delete(ACME, row.id(), change(TokenEventType.DELETED, T0));
              deleted.countDown();
              return;
            }
            for (int i = 0; i < 50; i++) {
              var current = store.find(ACME, row.id());
              if (current.isEmpty()) {
                return;
              }
              StoredToken next =
                  withStatus(
                      current.get(),
                      current.get().token().isActive() ? TokenStatus.INACTIVE : TokenStatus.ACTIVE,
                      current.get().token().updatedAt().plusNanos(1000));
              try {
                store.update(next, change(TokenEventType.STATUS_CHANGED, next.token().updatedAt()));
              } catch (TokenConflictException | TokenNotFoundException e) {
                // lost the race; fine
              }
            }
          });
      assertThat(deleted.getCount()).isZero();
      assertThat(store.find(ACME, row.id())).as("round %d", round).isEmpty();
      assertThat(store.findByDigest(row.digest())).isEmpty();
    }
  }

  @Test
  void concurrentInserts_areAllKept() throws Exception {
    int threads = 8;
    int perThread = 40;
    Concurrently.run(
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            insert(row(t % 2 == 0 ? ACME : GLOBEX, PROD, T0.plusMillis(i)));
          }
        });

    assertThat(countAll(ACME) + countAll(GLOBEX)).isEqualTo(threads * perThread);
    assertThat(countAll(ACME)).isEqualTo(threads / 2 * perThread);
  }

  private int countAll(OrganizationId org) {
    int count = 0;
    PageCursor cursor = null;
    while (true) {
      List<StoredToken> rows = store.list(org, TokenFilter.NONE, cursor, 100);
      count += rows.size();
      if (rows.size() < 100) {
        return count;
      }
      cursor = PageCursor.after(rows.get(rows.size() - 1).token());
    }
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------

  protected static List<TokenId> ids(List<StoredToken> rows) {
    return rows.stream().map(StoredToken::id).toList();
  }

  protected static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}
