package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.copy;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenEvent;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenLimits;
import io.accesstokens.spi.TokenStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenant isolation, exhaustively: every management action and every validation is attempted by each
 * organization with every other organization's token ids and values (and across environments of one
 * organization). All must be refused, change nothing anywhere, and look exactly like an attempt
 * with an id nobody has.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractTenantIsolationTest {
  /** A new, empty store. */
  protected abstract TokenStore createStore();

  /** Organizations whose ids differ only where a careless LIKE or prefix match would merge them. */
  private static final List<OrganizationId> ORGS =
      List.of(
          OrganizationId.of("acme"),
          OrganizationId.of("acme2"),
          OrganizationId.of("a_me"),
          OrganizationId.of("ACME"),
          OrganizationId.of("acm"));

  private static final EnvironmentId PROD = EnvironmentId.of("prod");
  private static final EnvironmentId TEST = EnvironmentId.of("test");

  private TokenStore store;
  private TokenService service;
  private TokenValidator validator;
  private final List<TokenEvent> events = new CopyOnWriteArrayList<>();
  private final Map<OrganizationId, List<IssuedToken>> issued = new LinkedHashMap<>();

  /** How many foreign attempts the last test made, for the figures of docs/testing.md. */
  protected int attempts;

  @BeforeEach
  void setUpTenants() {
    store = createStore();
    Map<OrganizationId, Set<EnvironmentId>> dirs = new LinkedHashMap<>();
    ORGS.forEach(o -> dirs.put(o, Set.of(PROD, TEST)));
    service =
        TokenService.builder(store)
            .entitlements((org, scope) -> true)
            .environments(EnvironmentDirectory.of(dirs))
            .copyPolicy(CopyPolicy.ephemeral())
            .listener(events::add)
            .build();
    validator = TokenValidator.builder(service).build();
    for (OrganizationId org : ORGS) {
      List<IssuedToken> mine = new ArrayList<>();
      mine.add(create(service, org, PROD, "prod of " + org, Fixtures.ALICE));
      mine.add(create(service, org, TEST, "test of " + org, Fixtures.ALICE));
      IssuedToken inactive = create(service, org, PROD, "inactive of " + org, Fixtures.ALICE);
      service.deactivate(org, inactive.id(), Fixtures.ALICE);
      mine.add(inactive);
      issued.put(org, mine);
    }
    events.clear();
  }

  @AfterEach
  void reportFigures(TestInfo info) {
    Figures.report(this, info, "foreign attempts", attempts);
  }

  /**
   * What a call gives: its result, or the exception's class and message with the id made generic.
   */
  private static String outcome(TokenId id, java.util.function.Supplier<?> call) {
    try {
      Object result = call.get();
      return "returned " + result;
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName()
          + ": "
          + String.valueOf(e.getMessage()).replace(id.toString(), "<id>");
    }
  }

  private static final List<
          Map.Entry<
              String, Function<TokenService, Function<OrganizationId, Function<TokenId, Object>>>>>
      ACTIONS =
          List.of(
              Map.entry("get", s -> o -> id -> s.get(o, id)),
              Map.entry("copy", s -> o -> id -> copy(s, o, id, Fixtures.BOB)),
              Map.entry(
                  "edit", s -> o -> id -> s.editDescription(o, id, "taken over", Fixtures.BOB)),
              Map.entry(
                  "edit@1",
                  s -> o -> id -> s.editDescription(o, id, "taken over", 1, Fixtures.BOB)),
              Map.entry("deactivate", s -> o -> id -> s.deactivate(o, id, Fixtures.BOB)),
              Map.entry("activate", s -> o -> id -> s.activate(o, id, Fixtures.BOB)),
              Map.entry(
                  "setStatus@2",
                  s -> o -> id -> s.setStatus(o, id, TokenStatus.ACTIVE, 2, Fixtures.BOB)),
              Map.entry("delete", s -> o -> id -> s.delete(o, id, Fixtures.BOB)),
              Map.entry(
                  "rotate",
                  s ->
                      o ->
                          id ->
                              Fixtures.rotate(
                                  s, o, id, java.time.Duration.ofDays(1), Fixtures.BOB)));

  /**
   * Issue 14: the count of tokens beyond the maximum lifetime is each organization's own, whatever
   * its neighbours (a LIKE or prefix match would count theirs), and expires nothing anywhere.
   */
  @Test
  void expiryQueriesAndReminders_seeOnlyTheOrganizationsOwnTokens() {
    TokenService limited =
        TokenService.builder(store)
            .entitlements((org, scope) -> true)
            .environments((org, env) -> true)
            .copyPolicy(CopyPolicy.ephemeral())
            .lifetimePolicy(io.accesstokens.spi.LifetimePolicy.atMost(java.time.Duration.ofDays(1)))
            .build();
    create(
        limited,
        ORGS.get(0),
        PROD,
        null,
        io.accesstokens.Expiry.after(java.time.Duration.ofHours(1)),
        Fixtures.ALICE);
    Map<TokenId, StoredToken> before = Fixtures.rowsById(store);
    for (OrganizationId org : ORGS) {
      attempts++;
      assertThat(limited.countBeyondMaximumLifetime(org)).as("%s", org).isEqualTo(3);
      attempts++;
      assertThat(
              limited
                  .expiringWithin(
                      org, java.time.Duration.ofDays(1), io.accesstokens.TokenQuery.all())
                  .tokens())
          .as("expiring tokens of %s", org)
          .hasSize(org.equals(ORGS.get(0)) ? 1 : 0)
          .allSatisfy(t -> assertThat(t.organization()).isEqualTo(org));
      attempts++;
      assertThat(limited.remindExpiring(org, java.time.Duration.ofDays(1)))
          .as("reminders of %s", org)
          .isEqualTo(org.equals(ORGS.get(0)) ? 1 : 0);
    }
    assertThat(Fixtures.rowsById(store)).isEqualTo(before);
  }

  /**
   * Issue 14: last-used writes and the unused query are each organization's own; a use written with
   * another organization's name for a token's id writes nothing.
   */
  @Test
  void lastUsedAndUnusedSince_seeOnlyTheOrganizationsOwnTokens() {
    java.time.Instant before = java.time.Instant.now().minusSeconds(3600);
    try (TokenValidator recording = TokenValidator.builder(service).recordLastUsed(true).build()) {
      IssuedToken first = issued.get(ORGS.get(0)).get(0);
      recording.validate(first.value().reveal(), io.accesstokens.Scope.EDI, ORGS.get(0), PROD);
      assertThat(recording.flushLastUsed()).isEqualTo(1);
    }
    Map<TokenId, StoredToken> snapshot = Fixtures.rowsById(store);
    for (OrganizationId attacker : ORGS) {
      for (OrganizationId victim : ORGS) {
        if (attacker.equals(victim)) {
          continue;
        }
        for (IssuedToken theirs : issued.get(victim)) {
          attempts++;
          store.recordLastUsed(
              List.of(
                  new io.accesstokens.spi.LastUse(
                      attacker, theirs.id(), java.time.Instant.now().plusSeconds(60))));
        }
      }
    }
    assertThat(Fixtures.rowsById(store)).as("no foreign use written").isEqualTo(snapshot);
    java.time.Instant later = java.time.Instant.now().plusSeconds(3600);
    for (OrganizationId org : ORGS) {
      attempts++;
      List<io.accesstokens.AccessToken> unused =
          service.unusedSince(org, later, io.accesstokens.TokenQuery.all()).tokens();
      assertThat(unused)
          .as("unused tokens of %s", org)
          .hasSize(3)
          .allSatisfy(t -> assertThat(t.organization()).isEqualTo(org));
      attempts++;
      assertThat(service.unusedSince(org, before, io.accesstokens.TokenQuery.all()).tokens())
          .as("none of %s was created an hour ago", org)
          .isEmpty();
    }
    assertThat(service.get(ORGS.get(0), issued.get(ORGS.get(0)).get(0).id()).lastUsedAt())
        .isNotNull();
    assertThat(service.get(ORGS.get(1), issued.get(ORGS.get(1)).get(0).id()).lastUsedAt()).isNull();
  }

  @Test
  void everyActionWithAnotherOrganizationsId_isRefusedLikeAnUnknownId_andChangesNothing() {
    Map<TokenId, StoredToken> before = Fixtures.rowsById(store);
    for (OrganizationId attacker : ORGS) {
      for (var entry : ACTIONS) {
        var action = entry.getValue().apply(service).apply(attacker);
        TokenId unknown = TokenMint.newId();
        String forUnknown = outcome(unknown, () -> action.apply(unknown));
        for (OrganizationId victim : ORGS) {
          if (victim.equals(attacker)) {
            continue;
          }
          for (IssuedToken target : issued.get(victim)) {
            attempts++;
            assertThat(outcome(target.id(), () -> action.apply(target.id())))
                .as("%s by %s on a token of %s", entry.getKey(), attacker, victim)
                .isEqualTo(forUnknown);
          }
        }
      }
    }
    assertThat(Fixtures.rowsById(store)).isEqualTo(before);
    assertThat(events).isEmpty();
    assertThat(attempts).isEqualTo(ORGS.size() * ACTIONS.size() * (ORGS.size() - 1) * 3);
  }

  /**
   * Issue 15: an organization's limit counts its own tokens only (never those of an organization
   * whose id differs in case or by a character), and only its own deletes free a place: a foreign
   * delete, refused, frees none.
   */
  @Test
  void everyOrganizationsLimit_countsItsOwnTokensOnly() {
    TokenService limited =
        TokenService.builder(store)
            .entitlements((org, scope) -> true)
            .environments(EnvironmentDirectory.of(directories()))
            .copyPolicy(CopyPolicy.ephemeral())
            .limits(TokenLimits.perOrganization(4))
            .build();
    for (OrganizationId org : ORGS) { // each holds 3 of its 4, whatever the others hold
      issued.get(org).add(create(limited, org, TEST, "fourth of " + org, Fixtures.ALICE));
    }
    for (OrganizationId org : ORGS) {
      attempts++;
      assertThatThrownBy(() -> limited.create(org, PROD, "fifth", Fixtures.ALICE))
          .isInstanceOf(TokenLimitExceededException.class)
          .hasMessageStartingWith("organization " + org.value() + " already holds its limit of 4");
    }
    OrganizationId first = ORGS.get(0);
    IssuedToken freed = issued.get(first).get(0);
    for (OrganizationId attacker : ORGS.subList(1, ORGS.size())) {
      attempts++;
      assertThat(limited.delete(attacker, freed.id(), Fixtures.BOB))
          .isEqualTo(io.accesstokens.DeleteOutcome.ALREADY_ABSENT);
      assertThatThrownBy(() -> limited.create(attacker, PROD, "fifth", Fixtures.BOB))
          .isInstanceOf(TokenLimitExceededException.class);
    }
    assertThat(limited.delete(first, freed.id(), Fixtures.ALICE))
        .isEqualTo(io.accesstokens.DeleteOutcome.DELETED);
    for (OrganizationId other : ORGS.subList(1, ORGS.size())) {
      attempts++;
      assertThatThrownBy(() -> limited.create(other, PROD, "fifth", Fixtures.BOB))
          .isInstanceOf(TokenLimitExceededException.class);
    }
    IssuedToken again = create(limited, first, PROD, "in the freed place", Fixtures.ALICE);
    assertThat(limited.list(first, TokenQuery.all()).tokens())
        .hasSize(4)
        .extracting(AccessToken::id)
        .contains(again.id());
  }

  private static Map<OrganizationId, Set<EnvironmentId>> directories() {
    Map<OrganizationId, Set<EnvironmentId>> dirs = new LinkedHashMap<>();
    ORGS.forEach(o -> dirs.put(o, Set.of(PROD, TEST)));
    return dirs;
  }

  @Test
  void everyOrganizationsList_showsItsOwnTokensOnly() {
    for (OrganizationId org : ORGS) {
      List<TokenId> listed =
          service.list(org, TokenQuery.all()).tokens().stream().map(AccessToken::id).toList();
      assertThat(listed)
          .containsExactlyInAnyOrderElementsOf(
              issued.get(org).stream().map(IssuedToken::id).toList());
      for (EnvironmentId env : List.of(PROD, TEST)) {
        assertThat(service.list(org, TokenQuery.all().inEnvironment(env)).tokens())
            .allSatisfy(t -> assertThat(t.organization()).isEqualTo(org))
            .allSatisfy(t -> assertThat(t.environment()).isEqualTo(env));
      }
    }
  }

  @Test
  void everyTokenValue_validatesOnlyForItsOwnOrganizationAndEnvironment() {
    for (OrganizationId owner : ORGS) {
      for (IssuedToken token : issued.get(owner)) {
        for (OrganizationId org : ORGS) {
          for (EnvironmentId env : List.of(PROD, TEST)) {
            attempts++;
            boolean expected =
                org.equals(owner)
                    && env.equals(token.token().environment())
                    && service.get(owner, token.id()).isActive();
            String value = token.value().reveal();
            if (expected) {
              assertThat(validator.validate(value, Scope.EDI, org, env).id()).isEqualTo(token.id());
            } else {
              try {
                validator.validate(value, Scope.EDI, org, env);
                throw new AssertionError(
                    "accepted a token of " + owner + " for " + org + "/" + env);
              } catch (ConnectionOpenException e) {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
                assertThat(e)
                    .hasMessage(
                        "Error opening connection. Exception is: Error code: INVALID_TOKEN");
              }
            }
          }
        }
      }
    }
    assertThat(events).isEmpty();
  }
}
