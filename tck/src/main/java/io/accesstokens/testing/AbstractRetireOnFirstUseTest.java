package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.GLOBEX_PROD;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.accesstokens.AccessToken;
import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.ErrorCode;
import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.PredecessorRetirement;
import io.accesstokens.RefusalCause;
import io.accesstokens.Rotation;
import io.accesstokens.Scope;
import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14, "retire the predecessor on the successor's first use" ({@link
 * PredecessorRetirement#FIRST_USE}): the first validation of the successor, on any node, makes the
 * predecessor Inactive, once, without making the validation wait for or depend on the store, and
 * every node refuses the predecessor within the refusal bound. Validators here run their lookups
 * and the retirement inline ({@code lookupExecutor(Runnable::run)}), so a validation returns with
 * the retirement done or failed; time moves by {@link MutableClock} only.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractRetireOnFirstUseTest {
  private static final Duration OVERLAP = Duration.ofDays(7);
  private static final String INVALID_TOKEN =
      "Error opening connection. Exception is: Error code: INVALID_TOKEN";

  /** A new, empty store. */
  protected abstract TokenStore createStore();

  /** The stores of two nodes that share their tokens; by default one store twice. */
  protected TokenStore[] createNodeStores() {
    TokenStore shared = createStore();
    return new TokenStore[] {shared, shared};
  }

  /** The change log of {@code store} that followers read, or null if it keeps none. */
  protected @Nullable ChangeFeed changeFeedOf(TokenStore store) {
    return store instanceof ChangeFeed feed ? feed : null;
  }

  private final MutableClock clock = MutableClock.startingAt("2026-12-01T00:00:00Z");
  private final List<TokenEvent> events = new CopyOnWriteArrayList<>();

  private TokenService serviceOn(TokenStore store) {
    return Fixtures.serviceOn(store).clock(clock).listener(events::add).build();
  }

  /** A validator of {@code service} whose lookups and retirements run on the caller's thread. */
  private TokenValidator.Builder inlineValidator(TokenService service) {
    return TokenValidator.builder(service)
        .ticker(Fixtures.tickerOf(clock))
        .executor(Runnable::run)
        .lookupExecutor(Runnable::run);
  }

  private Rotation rotate(TokenService service, IssuedToken token, PredecessorRetirement when) {
    return Fixtures.rotate(service, ACME, token.id(), OVERLAP, Expiry.never(), when, ALICE);
  }

  /** The body of a test that starts from one rotation seen by one node. */
  @FunctionalInterface
  private interface AfterARotation {
    void run(
        TokenStore store,
        TokenService service,
        TokenValidator validator,
        IssuedToken old,
        Rotation rotation);
  }

  /**
   * Runs {@code test} on one node: a new store, its service, an inline validator (closed after),
   * and a token of ACME's production environment rotated with {@code when}.
   */
  private void afterARotationOnOneNode(PredecessorRetirement when, AfterARotation test) {
    TokenStore store = createStore();
    TokenService service = serviceOn(store);
    try (TokenValidator validator = inlineValidator(service).build()) {
      IssuedToken old = create(service, ACME, PROD, null, ALICE);
      test.run(store, service, validator, old, rotate(service, old, when));
    }
  }

  private static boolean accepts(TokenValidator validator, IssuedToken token) {
    return Fixtures.accepts(validator, token, ErrorCode.INVALID_TOKEN);
  }

  private static AccessToken row(TokenStore store, IssuedToken token) {
    return store.find(ACME, token.id()).orElseThrow().token();
  }

  private List<TokenEvent> retirementsOf(IssuedToken predecessor) {
    return events.stream()
        .filter(e -> e.type() == TokenEventType.STATUS_CHANGED)
        .filter(e -> e.tokenId().equals(predecessor.id()))
        .toList();
  }

  private static void assertRefusedAsInvalid(TokenValidator validator, IssuedToken token) {
    Throwable refused =
        catchThrowable(() -> validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD));
    assertThat(refused).isInstanceOf(ConnectionOpenException.class).hasMessage(INVALID_TOKEN);
  }

  @Test
  void theSuccessorsFirstValidation_deactivatesThePredecessor_whichIsThenRefusedAsInactive() {
    TokenStore store = createStore();
    TokenService service = serviceOn(store);
    try (TokenValidator validator = inlineValidator(service).build()) {
      IssuedToken old = create(service, ACME, PROD, "partner", ALICE);
      assertThat(accepts(validator, old)).isTrue();
      Rotation rotation = rotate(service, old, PredecessorRetirement.FIRST_USE);
      IssuedToken successor = rotation.successor();
      assertThat(row(store, successor).retiresPredecessorOnFirstUse())
          .as("the flag is stored with the successor")
          .isTrue();
      assertThat(accepts(validator, old)).as("before the successor's first use").isTrue();

      clock.advance(Duration.ofMinutes(1));
      assertThat(accepts(validator, successor)).isTrue();

      AccessToken predecessor = row(store, old);
      assertThat(predecessor.status()).isEqualTo(TokenStatus.INACTIVE);
      assertThat(predecessor.version()).isEqualTo(rotation.predecessor().version() + 1);
      assertThat(predecessor.updatedAt()).isEqualTo(clock.instant());
      assertThat(predecessor.expiresAt())
          .as("the rest of the row stays")
          .isEqualTo(rotation.predecessor().expiresAt());
      AccessToken after = row(store, successor);
      assertThat(after.retiresPredecessorOnFirstUse()).isFalse();
      assertThat(after.version()).isEqualTo(2);
      assertThat(after.status()).isEqualTo(TokenStatus.ACTIVE);
      long inactiveBefore = validator.stats().refusals(RefusalCause.INACTIVE);
      assertRefusedAsInvalid(validator, old);
      assertThat(validator.stats().refusals(RefusalCause.INACTIVE)).isEqualTo(inactiveBefore + 1);
      assertThat(accepts(validator, successor)).isTrue();

      assertThat(retirementsOf(old))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.actor().name()).isEqualTo("first use of " + successor.id());
                assertThat(e.version()).isEqualTo(predecessor.version());
                assertThat(e.reason()).contains(successor.id().toString());
              });
    }
  }

  @Test
  void withoutTheOption_theSuccessorsFirstUseChangesNothing() {
    afterARotationOnOneNode(
        PredecessorRetirement.END_OF_OVERLAP,
        (store, service, validator, old, rotation) -> {
          assertThat(row(store, rotation.successor()).retiresPredecessorOnFirstUse()).isFalse();

          assertThat(accepts(validator, rotation.successor())).isTrue();
          assertThat(accepts(validator, old)).isTrue();
          assertThat(row(store, old)).isEqualTo(rotation.predecessor());
          assertThat(row(store, rotation.successor()).version()).isEqualTo(1);
          assertThat(retirementsOf(old)).isEmpty();
        });
  }

  @Test
  void theFlag_survivesEveryOtherChangeOfTheSuccessor_untilItsFirstUse() {
    TokenStore store = createStore();
    TokenService service = serviceOn(store);
    IssuedToken old = create(service, ACME, PROD, null, ALICE);
    IssuedToken successor = rotate(service, old, PredecessorRetirement.FIRST_USE).successor();

    service.editDescription(ACME, successor.id(), "edited", ALICE);
    service.deactivate(ACME, successor.id(), ALICE);
    service.activate(ACME, successor.id(), ALICE);

    assertThat(row(store, successor).retiresPredecessorOnFirstUse()).isTrue();
    assertThat(row(store, old).isActive()).isTrue();
  }

  @Test
  void twoNodesValidatingTheSuccessorAtOnce_retireThePredecessorOnce() throws Exception {
    TokenStore[] stores = createNodeStores();
    TokenService a = serviceOn(stores[0]);
    TokenService b = serviceOn(stores[1]);
    int tokens = 16;
    List<IssuedToken> olds = new ArrayList<>();
    List<Rotation> rotations = new ArrayList<>();
    for (int i = 0; i < tokens; i++) {
      IssuedToken old = create(a, ACME, PROD, null, ALICE);
      olds.add(old);
      rotations.add(rotate(a, old, PredecessorRetirement.FIRST_USE));
    }
    try (TokenValidator onA = inlineValidator(a).build();
        TokenValidator onB = inlineValidator(b).build()) {
      TokenValidator[] nodes = {onA, onB};
      for (Rotation rotation : rotations) {
        Concurrently.run(
            2, thread -> assertThat(accepts(nodes[thread], rotation.successor())).isTrue());
      }
    }
    for (int i = 0; i < tokens; i++) {
      IssuedToken old = olds.get(i);
      AccessToken predecessor = row(stores[0], old);
      assertThat(predecessor.status()).isEqualTo(TokenStatus.INACTIVE);
      assertThat(predecessor.version())
          .as("deactivated once")
          .isEqualTo(rotations.get(i).predecessor().version() + 1);
      assertThat(row(stores[0], rotations.get(i).successor()).version()).isEqualTo(2);
      assertThat(retirementsOf(old)).as("one event, from one node").hasSize(1);
    }
  }

  @Test
  void theStoreSaysOnceOnly_theSecondCallFindsNothingToDo() {
    TokenStore store = createStore();
    TokenService service = serviceOn(store);
    IssuedToken old = create(service, ACME, PROD, null, ALICE);
    Rotation rotation = rotate(service, old, PredecessorRetirement.FIRST_USE);
    Change change =
        new Change(TokenEventType.STATUS_CHANGED, ALICE, clock.instant().plusSeconds(1));

    assertThat(store.retirePredecessor(ACME, rotation.successor().id(), change))
        .hasValueSatisfying(p -> assertThat(p).isEqualTo(row(store, old)));
    AccessToken predecessor = row(store, old);
    AccessToken successor = row(store, rotation.successor());

    assertThat(store.retirePredecessor(ACME, rotation.successor().id(), change)).isEmpty();
    assertThat(store.retirePredecessor(ACME, old.id(), change))
        .as("a token that retires nothing")
        .isEmpty();
    assertThat(row(store, old)).isEqualTo(predecessor);
    assertThat(row(store, rotation.successor())).isEqualTo(successor);
  }

  @Test
  void aStoreThatIsDown_failsNoValidation_andALaterValidationRetires() {
    FaultyTokenStore store = new FaultyTokenStore(createStore());
    TokenService service = serviceOn(store);
    try (TokenValidator validator = inlineValidator(service).build()) {
      IssuedToken old = create(service, ACME, PROD, null, ALICE);
      Rotation rotation = rotate(service, old, PredecessorRetirement.FIRST_USE);
      // The store answers the lookup, then goes down before the retirement's write.
      store.afterFindByDigest(row -> store.down(true));

      assertThat(accepts(validator, rotation.successor())).isTrue();
      assertThat(accepts(validator, rotation.successor()))
          .as("a hit, the store still down")
          .isTrue();

      store.afterFindByDigest(null);
      store.down(false);
      assertThat(row(store, old).isActive()).as("nothing was written").isTrue();
      assertThat(accepts(validator, old)).isTrue();
      assertThat(accepts(validator, rotation.successor())).isTrue();

      assertThat(row(store, old).status()).isEqualTo(TokenStatus.INACTIVE);
      assertRefusedAsInvalid(validator, old);
      assertThat(retirementsOf(old)).hasSize(1);
    }
  }

  @Test
  void aPredecessorDeactivatedMeanwhile_isLeftAlone_andStaysReactivatable() {
    afterARotationOnOneNode(
        PredecessorRetirement.FIRST_USE,
        (store, service, validator, old, rotation) -> {
          service.deactivate(ACME, old.id(), ALICE);
          AccessToken deactivated = row(store, old);

          assertThat(accepts(validator, rotation.successor())).isTrue();

          assertThat(row(store, old)).as("not written again").isEqualTo(deactivated);
          assertThat(row(store, rotation.successor()).retiresPredecessorOnFirstUse()).isFalse();
          assertThat(retirementsOf(old))
              .singleElement()
              .satisfies(e -> assertThat(e.actor()).isEqualTo(ALICE));
          service.activate(ACME, old.id(), ALICE);
          assertThat(accepts(validator, rotation.successor())).isTrue();
          assertThat(accepts(validator, old)).as("a person's reactivation stands").isTrue();
        });
  }

  @Test
  void aPredecessorDeletedMeanwhile_isLeftAlone() {
    afterARotationOnOneNode(
        PredecessorRetirement.FIRST_USE,
        (store, service, validator, old, rotation) -> {
          service.delete(ACME, old.id(), ALICE);

          assertThat(accepts(validator, rotation.successor())).isTrue();

          assertThat(store.find(ACME, old.id())).as("not brought back").isEmpty();
          assertThat(row(store, rotation.successor()).retiresPredecessorOnFirstUse()).isFalse();
          assertThat(accepts(validator, rotation.successor())).isTrue();
        });
  }

  @Test
  void anotherOrganization_cannotRetire_norTriggerTheRetirement() {
    afterARotationOnOneNode(
        PredecessorRetirement.FIRST_USE,
        (store, service, validator, old, rotation) -> {
          Change change = new Change(TokenEventType.STATUS_CHANGED, ALICE, clock.instant());

          assertThat(store.retirePredecessor(GLOBEX, rotation.successor().id(), change)).isEmpty();
          Throwable refused =
              catchThrowable(
                  () ->
                      validator.validate(
                          rotation.successor().value().reveal(), Scope.EDI, GLOBEX, GLOBEX_PROD));
          assertThat(refused).isInstanceOf(ConnectionOpenException.class).hasMessage(INVALID_TOKEN);

          assertThat(row(store, old)).isEqualTo(rotation.predecessor());
          assertThat(row(store, rotation.successor()).retiresPredecessorOnFirstUse()).isTrue();
          assertThat(row(store, rotation.successor()).version()).isEqualTo(1);
        });
  }

  /**
   * Node A's validator sees the successor's first use; node B, which had the predecessor's answer
   * cached, refuses the predecessor after its next catch-up of the store's own change log (within
   * the refusal bound), and B's cached successor answer, which still carried the flag, is dropped
   * too, so B never tries the retirement again.
   */
  @Test
  void aSecondNode_refusesThePredecessor_afterItsNextCatchUp_throughTheStoresChangeLog() {
    TokenStore store = createStore();
    ChangeFeed feed = changeFeedOf(store);
    assumeTrue(feed != null, "the store keeps no change log");
    TokenService a = serviceOn(store);
    ChangeFollower follower =
        ChangeFollower.builder(feed)
            .stalenessBound(AbstractChangeFollowerTest.BOUND)
            .longestTransaction(AbstractChangeFollowerTest.LONGEST_TRANSACTION)
            .ticker(Fixtures.tickerOf(clock))
            .drivenByCaller()
            .build();
    FaultyTokenStore bStore = new FaultyTokenStore(store);
    TokenService bService = serviceOn(bStore);
    try (TokenValidator onA = inlineValidator(a).build();
        TokenValidator onB =
            inlineValidator(bService)
                .expireAfter(Duration.ofMinutes(10))
                .changeFollower(follower)
                .build()) {
      clock.advance(AbstractChangeFollowerTest.LONGEST_TRANSACTION);
      assertThat(follower.catchUp()).as("warm-up").isTrue();
      IssuedToken old = create(a, ACME, PROD, null, ALICE);
      Rotation rotation = rotate(a, old, PredecessorRetirement.FIRST_USE);
      assertThat(follower.catchUp()).isTrue();
      // B caches the predecessor's answer.
      assertThat(accepts(onB, old)).isTrue();

      assertThat(accepts(onA, rotation.successor())).as("the first use, on A").isTrue();
      assertThat(accepts(onB, old)).as("not yet seen: within the bound").isTrue();

      clock.advance(AbstractChangeFollowerTest.BOUND);
      assertThat(follower.catchUp()).isTrue();

      long inactive = onB.stats().refusals(RefusalCause.INACTIVE);
      assertRefusedAsInvalid(onB, old);
      assertThat(onB.stats().refusals(RefusalCause.INACTIVE)).isEqualTo(inactive + 1);
      int writes = bStore.calls();
      assertThat(accepts(onB, rotation.successor())).isTrue();
      assertThat(accepts(onB, rotation.successor())).isTrue();
      assertThat(bStore.calls())
          .as("B read the successor once, without the flag, and wrote nothing")
          .isEqualTo(writes + 1);
      assertThat(retirementsOf(old)).hasSize(1);
    }
  }
}
