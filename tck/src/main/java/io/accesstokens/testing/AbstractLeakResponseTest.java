package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.BOB;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.GLOBEX_PROD;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.TEST;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.AccessToken;
import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.LeakOutcome;
import io.accesstokens.LeakResponse;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.spi.TokenStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Revoke by value ({@link LeakResponse#revokeLeaked}) on a real store: outcomes in input order and
 * nothing more, deactivation (or deletion) whoever owns the token, the owner's audit event with the
 * reason, the validators refusing at once, the cost of one digest lookup per value, the limit of
 * values, and no value in any message.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractLeakResponseTest {
  /** A new, empty store. Called before each test. */
  protected abstract TokenStore createStore();

  /**
   * The change log of {@code store} that other nodes' followers read, or null if it keeps none; by
   * default the store itself if it is a {@link ChangeFeed}.
   */
  protected @Nullable ChangeFeed changeFeedOf(TokenStore store) {
    return store instanceof ChangeFeed feed ? feed : null;
  }

  private static final String REASON = "pasted into support ticket 4711";

  private TokenStore real;
  private FaultyTokenStore store;
  private TokenService service;
  private TokenValidator validator;
  private LeakResponse leaks;
  private final List<TokenEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    real = createStore();
    store = new FaultyTokenStore(real);
    service = Fixtures.serviceOn(store).listener(events::add).build();
    validator = TokenValidator.builder(service).build();
    leaks = LeakResponse.builder(service).build();
  }

  private List<LeakOutcome> revoke(String... values) {
    return leaks.revokeLeaked(Arrays.asList(values), REASON, BOB);
  }

  /** Whether the validator accepts {@code token}, an ACME token in PROD. */
  private boolean accepted(IssuedToken token) {
    return Fixtures.accepts(validator, token, ErrorCode.INVALID_TOKEN);
  }

  @Test
  void revokeLeaked_activeToken_isDeactivated_andRefusedAtOnce() {
    IssuedToken token = create(service, ACME, PROD, "connector", ALICE);
    assertThat(accepted(token)).isTrue(); // cached now

    assertThat(revoke(token.value().reveal())).containsExactly(LeakOutcome.REVOKED);

    AccessToken after = service.get(ACME, token.id());
    assertThat(after.status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(after.version()).isEqualTo(2);
    assertThatThrownBy(() -> validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN");
  }

  @Test
  void revokeLeaked_tellsTheOwnersListeners_withTheReason_andNeverTheValue() {
    IssuedToken token = create(service, ACME, PROD, "connector", ALICE);
    events.clear();

    revoke(token.value().reveal());

    assertThat(events).hasSize(1);
    TokenEvent event = events.get(0);
    assertThat(event.type()).isEqualTo(TokenEventType.TOKEN_LEAK_REPORTED);
    assertThat(event.organization()).isEqualTo(ACME);
    assertThat(event.environment()).isEqualTo(PROD);
    assertThat(event.tokenId()).isEqualTo(token.id());
    assertThat(event.actor()).isEqualTo(BOB);
    assertThat(event.reason()).isEqualTo(REASON);
    assertThat(event.version()).isEqualTo(2);
    assertThat(event.toString()).doesNotContain(token.value().reveal());
  }

  @Test
  void revokeLeaked_givesOneOutcomePerValue_inInputOrder() {
    IssuedToken active = create(service, ACME, PROD, null, ALICE);
    IssuedToken inactive = create(service, GLOBEX, GLOBEX_PROD, null, ALICE);
    service.deactivate(GLOBEX, inactive.id(), ALICE);
    IssuedToken deleted = create(service, ACME, TEST, null, ALICE);
    service.delete(ACME, deleted.id(), ALICE);
    IssuedToken real = create(service, ACME, PROD, null, ALICE);
    String wrongSecretForRealId = Fixtures.mint(real.id());
    String neverIssued = Fixtures.mint(TokenMint.newId());
    String active0 = active.value().reveal();
    String brokenChecksum =
        active0.substring(0, active0.length() - 1)
            + (active0.charAt(active0.length() - 1) == 'a' ? 'b' : 'a');

    List<String> values =
        Arrays.asList(
            "not a token",
            active0,
            inactive.value().reveal(),
            deleted.value().reveal(),
            wrongSecretForRealId,
            neverIssued,
            null,
            "",
            " " + active0,
            brokenChecksum,
            active0);
    assertThat(leaks.revokeLeaked(values, REASON, BOB))
        .containsExactly(
            LeakOutcome.MALFORMED,
            LeakOutcome.REVOKED,
            LeakOutcome.ALREADY_INACTIVE,
            LeakOutcome.NOT_FOUND,
            LeakOutcome.NOT_FOUND,
            LeakOutcome.NOT_FOUND,
            LeakOutcome.MALFORMED,
            LeakOutcome.MALFORMED,
            LeakOutcome.MALFORMED,
            LeakOutcome.MALFORMED,
            LeakOutcome.ALREADY_INACTIVE);
    // A wrong secret for a real id neither revokes nor reveals it.
    assertThat(service.get(ACME, real.id()).status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(events.stream().filter(e -> e.type() == TokenEventType.TOKEN_LEAK_REPORTED))
        .extracting(TokenEvent::tokenId)
        .containsExactly(active.id(), inactive.id(), active.id());
  }

  @Test
  void revokeLeaked_reachesEveryOrganization_andTheOutcomeSaysNothingOfWhose() {
    IssuedToken acme = create(service, ACME, PROD, null, ALICE);
    IssuedToken globex = create(service, GLOBEX, GLOBEX_PROD, null, BOB);
    events.clear();

    assertThat(revoke(acme.value().reveal(), globex.value().reveal()))
        .containsExactly(LeakOutcome.REVOKED, LeakOutcome.REVOKED);

    assertThat(service.get(ACME, acme.id()).status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(service.get(GLOBEX, globex.id()).status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(events)
        .extracting(TokenEvent::organization, TokenEvent::tokenId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ACME, acme.id()),
            org.assertj.core.groups.Tuple.tuple(GLOBEX, globex.id()));
  }

  @Test
  void revokeLeaked_underDelete_removesTheTokens() {
    LeakResponse deleting =
        LeakResponse.builder(service).action(LeakResponse.Action.DELETE).build();
    IssuedToken active = create(service, ACME, PROD, null, ALICE);
    IssuedToken inactive = create(service, ACME, PROD, null, ALICE);
    service.deactivate(ACME, inactive.id(), ALICE);
    assertThat(accepted(active)).isTrue();

    assertThat(
            deleting.revokeLeaked(
                List.of(active.value().reveal(), inactive.value().reveal()), REASON, BOB))
        .containsExactly(LeakOutcome.REVOKED, LeakOutcome.ALREADY_INACTIVE);

    assertThat(store.find(ACME, active.id())).isEmpty();
    assertThat(store.find(ACME, inactive.id())).isEmpty();
    assertThat(accepted(active)).isFalse();
    assertThat(deleting.revokeLeaked(List.of(active.value().reveal()), REASON, BOB))
        .containsExactly(LeakOutcome.NOT_FOUND);
  }

  @Test
  void revokeLeaked_isRecordedForOtherNodes_likeADeactivation() {
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    ChangeFeed feed = changeFeedOf(real);
    org.junit.jupiter.api.Assumptions.assumeTrue(feed != null, "the store keeps no change feed");
    long before = feed.head();

    revoke(token.value().reveal());

    List<ChangeRecord> changes = feed.changesAfter(before, 100);
    assertThat(changes)
        .extracting(ChangeRecord::tokenId, ChangeRecord::type, ChangeRecord::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(token.id(), TokenEventType.STATUS_CHANGED, 2L));
  }

  @Test
  void revokeLeaked_costsOneDigestLookupPerValue_andNothingElse_forRandomValues(TestInfo info) {
    create(service, ACME, PROD, null, ALICE);
    List<String> values = new ArrayList<>(LeakResponse.MAX_VALUES);
    for (int i = 0; i < LeakResponse.MAX_VALUES; i++) {
      values.add(Fixtures.mint(TokenMint.newId()));
    }
    int callsBefore = store.calls();
    int lookupsBefore = store.findByDigestCalls();

    List<LeakOutcome> outcomes = leaks.revokeLeaked(values, REASON, BOB);

    assertThat(outcomes).hasSize(LeakResponse.MAX_VALUES).containsOnly(LeakOutcome.NOT_FOUND);
    assertThat(store.findByDigestCalls() - lookupsBefore).isEqualTo(LeakResponse.MAX_VALUES);
    assertThat(store.calls() - callsBefore).isEqualTo(LeakResponse.MAX_VALUES);
    Figures.report(this, info, "store calls for 1,000 random values", store.calls() - callsBefore);
  }

  @Test
  void revokeLeaked_costsNoStoreCall_forMalformedValues() {
    int callsBefore = store.calls();
    leaks.revokeLeaked(Collections.nCopies(LeakResponse.MAX_VALUES, "atk_nope"), REASON, BOB);
    assertThat(store.calls()).isEqualTo(callsBefore);
  }

  @Test
  void revokeLeaked_withMoreThanTheLimit_isRefused_namingTheLimit_andRevokesNothing() {
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    List<String> values = new ArrayList<>();
    values.add(token.value().reveal());
    values.addAll(Collections.nCopies(LeakResponse.MAX_VALUES, "x"));

    assertThatThrownBy(() -> leaks.revokeLeaked(values, REASON, BOB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at most 1000 values may be revoked in one call, but got 1001");
    assertThat(service.get(ACME, token.id()).status()).isEqualTo(TokenStatus.ACTIVE);
  }

  @Test
  void revokeLeaked_withAValuePastedAsTheReason_isRefused_withoutEchoingIt() {
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    String value = token.value().reveal();

    for (String reason : List.of(value, "leaked: " + value, "", "  ", "line\nbreak")) {
      assertThatThrownBy(() -> leaks.revokeLeaked(List.of(value), reason, BOB))
          .isInstanceOf(IllegalArgumentException.class)
          .message()
          .startsWith("reason must")
          .doesNotContain(value)
          .doesNotContain(value.substring(15, 30));
    }
    assertThatThrownBy(() -> leaks.revokeLeaked(List.of(value), REASON, Actor.of(value)))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain(value.substring(15, 30));
    assertThat(service.get(ACME, token.id()).status()).isEqualTo(TokenStatus.ACTIVE);
  }

  @Test
  void revokeLeaked_whenTheStoreIsDown_failsWithoutNamingAValue() {
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    store.down(true);
    assertThatThrownBy(() -> revoke(token.value().reveal()))
        .isInstanceOf(io.accesstokens.StoreUnavailableException.class)
        .message()
        .doesNotContain(token.value().reveal().substring(15, 30));
    store.down(false);
    assertThat(revoke(token.value().reveal())).containsExactly(LeakOutcome.REVOKED);
  }

  /**
   * The organization-scoped service has no call that takes a value, or that reaches a token without
   * naming its organization but for the platform's maintenance ({@code reseal}, and {@code
   * entitlementChanged}, which only drops cached answers): revoke by value lives on {@link
   * LeakResponse} only, which the host hands to its platform staff.
   */
  @Test
  void theOrganizationScopedService_hasNoCallThatTakesAValue_orSkipsTheOrganization() {
    Map<String, String> unscoped = new TreeMap<>();
    for (Method method : TokenService.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      List<Class<?>> parameters = Arrays.asList(method.getParameterTypes());
      assertThat(parameters)
          .as("%s takes no collection of values", method.getName())
          .noneMatch(java.util.Collection.class::isAssignableFrom);
      if (!parameters.isEmpty() && !parameters.contains(OrganizationId.class)) {
        unscoped.put(method.getName(), parameters.toString());
      }
    }
    assertThat(unscoped.keySet()).containsOnly("reseal");
  }

  @Test
  void revokeLeaked_ofAnotherOrganizationsToken_looksTheSameAsOfOnesOwn() {
    IssuedToken mine = create(service, ACME, PROD, null, ALICE);
    IssuedToken theirs = create(service, GLOBEX, GLOBEX_PROD, null, BOB);
    List<LeakOutcome> outcomes = revoke(mine.value().reveal(), theirs.value().reveal());
    assertThat(outcomes.get(0)).isEqualTo(outcomes.get(1));
    // And ACME's side of the service still knows nothing of GLOBEX's token.
    assertThatThrownBy(() -> service.get(ACME, theirs.id()))
        .isInstanceOf(TokenNotFoundException.class);
    assertThat(service.get(GLOBEX, theirs.id()).updatedAt()).isAfterOrEqualTo(Instant.EPOCH);
  }

  // ---- bulk deactivation for an incident
  // ------------------------------------------------------

  @Test
  void deactivateAll_dryRun_countsTheActiveTokens_andChangesNothing() {
    create(service, ACME, PROD, null, ALICE);
    create(service, ACME, PROD, null, ALICE);
    create(service, ACME, TEST, null, ALICE);
    IssuedToken inactive = create(service, ACME, PROD, null, ALICE);
    service.deactivate(ACME, inactive.id(), ALICE);
    create(service, GLOBEX, GLOBEX_PROD, null, BOB);
    events.clear();

    assertThat(service.deactivateAll(ACME, null, BOB, true)).isEqualTo(3);
    assertThat(service.deactivateAll(ACME, PROD, BOB, true)).isEqualTo(2);
    assertThat(service.deactivateAll(ACME, TEST, BOB, true)).isEqualTo(1);
    assertThat(service.deactivateAll(GLOBEX, null, BOB, true)).isEqualTo(1);
    assertThat(events).isEmpty();
    assertThat(
            service
                .list(ACME, io.accesstokens.TokenQuery.all().withStatus(TokenStatus.ACTIVE))
                .tokens())
        .hasSize(3);
  }

  @Test
  void deactivateAll_ofAnEnvironment_deactivatesExactlyItsActiveTokens_oneEventEach() {
    IssuedToken a = create(service, ACME, PROD, null, ALICE);
    IssuedToken b = create(service, ACME, PROD, null, ALICE);
    IssuedToken inactive = create(service, ACME, PROD, null, ALICE);
    service.deactivate(ACME, inactive.id(), ALICE);
    IssuedToken otherEnv = create(service, ACME, TEST, null, ALICE);
    IssuedToken otherOrg = create(service, GLOBEX, GLOBEX_PROD, null, BOB);
    assertThat(accepted(a)).isTrue();
    events.clear();

    assertThat(service.deactivateAll(ACME, PROD, BOB, false)).isEqualTo(2);

    assertThat(service.get(ACME, a.id()).status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(service.get(ACME, b.id()).status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(service.get(ACME, inactive.id()).version()).isEqualTo(2); // untouched
    assertThat(service.get(ACME, otherEnv.id()).status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(service.get(GLOBEX, otherOrg.id()).status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(accepted(a)).isFalse();
    assertThat(events)
        .extracting(TokenEvent::type, TokenEvent::tokenId, TokenEvent::actor)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(TokenEventType.STATUS_CHANGED, a.id(), BOB),
            org.assertj.core.groups.Tuple.tuple(TokenEventType.STATUS_CHANGED, b.id(), BOB));
    assertThat(service.deactivateAll(ACME, PROD, BOB, false)).isZero();
  }

  @Test
  void deactivateAll_ofAnOrganization_crossesBatches_andLeavesOtherOrganizationsAlone() {
    int n = 501; // more than one batch of 500
    for (int i = 0; i < n; i++) {
      create(service, ACME, i % 2 == 0 ? PROD : TEST, null, ALICE);
    }
    IssuedToken otherOrg = create(service, GLOBEX, GLOBEX_PROD, null, BOB);

    assertThat(service.deactivateAll(ACME, null, BOB, true)).isEqualTo(n);
    assertThat(service.deactivateAll(ACME, null, BOB, false)).isEqualTo(n);
    assertThat(service.deactivateAll(ACME, null, BOB, true)).isZero();
    assertThat(service.get(GLOBEX, otherOrg.id()).status()).isEqualTo(TokenStatus.ACTIVE);
  }

  @Test
  void deactivateAll_isScopedLikeEveryPageAction() {
    assertThatThrownBy(() -> service.deactivateAll(ACME, GLOBEX_PROD, BOB, true))
        .isInstanceOf(io.accesstokens.UnknownEnvironmentException.class);
    assertThatThrownBy(() -> service.deactivateAll(Fixtures.INITECH, null, BOB, false))
        .isInstanceOf(io.accesstokens.NotEntitledException.class);
  }
}
