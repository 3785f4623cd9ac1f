package io.accesstokens.memory;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.PredecessorRetirement;
import io.accesstokens.Rotation;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenService;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.spi.TokenLimits;
import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractChangeFollowerTimelinesTest;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.MutableClock;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.testing.TokenStoreTck;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The TCK on the memory store; two nodes share one store, as two nodes share one database. It also
 * runs the change follower's random timelines, which prove the follower over a scripted feed and so
 * need one store only.
 */
@ExtendWith(SecretLeakGuard.class)
class MemoryTokenStoreTest extends TokenStoreTck {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }

  /**
   * Issue 13: the change log is bounded with no follower at all. Changes within the retention are
   * all kept; a write drops those written more than the retention before it, and says so through
   * {@code prunedThrough}, as a follower's pruning does.
   */
  @Test
  void theChangeLog_prunesItselfByRetention_withoutAFollower() {
    MemoryTokenStore store = new MemoryTokenStore();
    MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    TokenService service = Fixtures.serviceOn(store).clock(clock).build();
    IssuedToken token = Fixtures.create(service, ACME, PROD, null, ALICE);
    for (int i = 0; i < 500; i++) {
      service.editDescription(ACME, token.id(), "edit " + i, ALICE);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(store.changesAfter(0, 10_000))
        .as("the creation and 500 s of edits, all within")
        .hasSize(501)
        .first()
        .extracting(ChangeRecord::type)
        .isEqualTo(TokenEventType.CREATED);
    assertThat(store.prunedThrough()).isZero();

    clock.advance(MemoryTokenStore.CHANGE_RETENTION.minus(Duration.ofSeconds(250)));
    service.deactivate(ACME, token.id(), ALICE);

    assertThat(store.changesAfter(0, 10_000))
        .as("the creation and the first 250 edits are older than the retention")
        .hasSize(251)
        .first()
        .extracting(ChangeRecord::sequence)
        .isEqualTo(252L);
    assertThat(store.prunedThrough()).isEqualTo(251);
    assertThat(store.head()).isEqualTo(502);
  }

  /** What a host's diagnostics show of the store: its size, in its toString too. */
  @Test
  void sizeAndToString_countTheStoredTokens() {
    MemoryTokenStore store = new MemoryTokenStore();
    TokenService service = Fixtures.serviceOn(store).build();
    assertThat(store.size()).isZero();
    IssuedToken token = Fixtures.create(service, ACME, PROD, null, ALICE);
    Fixtures.create(service, ACME, PROD, null, ALICE);
    assertThat(store.size()).isEqualTo(2);
    assertThat(store).hasToString("MemoryTokenStore[2 tokens]");
    service.delete(ACME, token.id(), ALICE);
    assertThat(store.size()).isEqualTo(1);
  }

  /**
   * One successor per token, as a database's unique index keeps it: deleting the successor frees
   * its predecessor to be rotated again (the random model checks this too, but runs outside the
   * mutation profile).
   */
  @Test
  void aDeletedSuccessor_freesItsPredecessorToBeRotatedAgain() {
    MemoryTokenStore store = new MemoryTokenStore();
    TokenService service = Fixtures.serviceOn(store).build();
    IssuedToken token = Fixtures.create(service, ACME, PROD, null, ALICE);
    Rotation first = service.rotate(ACME, token.id(), Duration.ofDays(1), ALICE);
    service.delete(ACME, first.successor().id(), ALICE);

    Rotation second = service.rotate(ACME, token.id(), Duration.ofDays(1), ALICE);

    assertThat(second.successor().id()).isNotEqualTo(first.successor().id());
    assertThat(service.get(ACME, second.successor().id()).rotatedFrom()).isEqualTo(token.id());
  }

  /**
   * A limit of 0 is a limit (it refuses every new token, a successor too), not a bad argument: the
   * rotation is refused as over the limit, and nothing changes.
   */
  @Test
  void aRotationUnderALimitOfZero_isRefusedAsOverTheLimit() {
    MemoryTokenStore store = new MemoryTokenStore();
    AtomicLong limit = new AtomicLong(TokenLimits.UNLIMITED);
    TokenService service = Fixtures.serviceOn(store).limits(organization -> limit.get()).build();
    IssuedToken token = Fixtures.create(service, ACME, PROD, null, ALICE);
    limit.set(0);

    assertThatThrownBy(() -> service.rotate(ACME, token.id(), Duration.ofDays(1), ALICE))
        .isInstanceOf(TokenLimitExceededException.class);
    assertThat(store.size()).isEqualTo(1);
    assertThat(service.get(ACME, token.id())).isEqualTo(token.token());
  }

  /**
   * Retiring on first use changes two rows, and the change log says so for both: the predecessor's
   * deactivation and the successor's cleared flag, so every node reloads the successor's answer
   * instead of trying to retire again.
   */
  @Test
  void retiringThePredecessor_logsAChangeOfBothTokens() {
    MemoryTokenStore store = new MemoryTokenStore();
    TokenService service = Fixtures.serviceOn(store).build();
    IssuedToken token = Fixtures.create(service, ACME, PROD, null, ALICE);
    Rotation rotation =
        service.rotate(
            ACME,
            token.id(),
            Duration.ofDays(1),
            Expiry.never(),
            PredecessorRetirement.FIRST_USE,
            ALICE);
    long head = store.head();

    store.retirePredecessor(
        ACME,
        rotation.successor().id(),
        new Change(TokenEventType.STATUS_CHANGED, ALICE, Instant.now()));

    assertThat(store.changesAfter(head, 10))
        .extracting(ChangeRecord::tokenId)
        .containsExactly(token.id(), rotation.successor().id());
  }

  @Group
  class ChangeFollowerTimelines extends AbstractChangeFollowerTimelinesTest {
    @Override
    protected TokenStore createStore() {
      return new MemoryTokenStore();
    }
  }
}
