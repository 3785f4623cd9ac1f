package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.BOB;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.GLOBEX_PROD;
import static io.accesstokens.testing.Fixtures.INITECH;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.TEST;
import static io.accesstokens.testing.Fixtures.copy;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.CopyUnavailableException;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.DigestPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.ErrorCode;
import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.KeyRing;
import io.accesstokens.NotEntitledException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.ResealReport;
import io.accesstokens.Rotation;
import io.accesstokens.Scope;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenPage;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenSecret;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.UnknownEnvironmentException;
import io.accesstokens.spi.LifetimePolicy;
import io.accesstokens.spi.TokenLimits;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Access Tokens page, action by action, on a real store. Each store module runs it by giving
 * {@link #createStore()}; the behaviour must not depend on the store.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractTokenServiceTest {
  /** A new, empty store. Called before each test. */
  protected abstract TokenStore createStore();

  protected final MutableClock clock = MutableClock.startingAt("2026-11-28T09:00:00.123456789Z");
  protected final Fixtures.SwitchableEntitlements entitlements =
      new Fixtures.SwitchableEntitlements();
  protected final List<TokenEvent> events = new CopyOnWriteArrayList<>();
  protected TokenStore store;
  protected TokenService service;
  protected TokenValidator validator;

  @BeforeEach
  void setUpService() {
    store = createStore();
    service = newService(store, CopyPolicy.ephemeral(), DigestPolicy.sha256(), events::add);
    validator = TokenValidator.builder(service).build();
  }

  protected TokenService newService(
      TokenStore on,
      CopyPolicy copyPolicy,
      DigestPolicy digestPolicy,
      Consumer<TokenEvent> listener) {
    return TokenService.builder(on)
        .entitlements(entitlements)
        .environments(Fixtures.environments())
        .copyPolicy(copyPolicy)
        .digestPolicy(digestPolicy)
        .clock(clock)
        .listener(listener::accept)
        .build();
  }

  /** A builder of another service on {@link #store}, with this suite's entitlements and clock. */
  private TokenService.Builder clockedService() {
    return Fixtures.serviceOn(store, entitlements).clock(clock);
  }

  /** A service on {@link #store} that seals with {@code sealing} and digests with {@code macs}. */
  private TokenService keyedService(KeyRing sealing, KeyRing macs) {
    return newService(store, CopyPolicy.sealed(sealing), DigestPolicy.hmacSha256(macs), e -> {});
  }

  /** {@code on} lists no ACME token, and no event was sent: nothing was written. */
  private void assertNothingWritten(TokenService on) {
    assertThat(on.list(ACME, TokenQuery.all()).tokens()).isEmpty();
    assertThat(events).isEmpty();
  }

  private void assertValid(TokenSecret value, OrganizationId org, EnvironmentId env) {
    assertThat(validator.validate(value.reveal(), Scope.EDI, org, env).id()).isEqualTo(value.id());
  }

  private void assertInvalid(TokenSecret value, OrganizationId org, EnvironmentId env) {
    assertThatThrownBy(() -> validator.validate(value.reveal(), Scope.EDI, org, env))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN")
        .extracting(e -> ((ConnectionOpenException) e).errorCode())
        .isEqualTo(ErrorCode.INVALID_TOKEN);
  }

  // ---- Add Token
  // ---------------------------------------------------------------------------------

  @Test
  void create_returnsAnActiveEdiTokenOfTheEnvironment_withItsFullValueOnce() {
    IssuedToken issued = create(service, ACME, PROD, "Partner X AS2", ALICE);

    AccessToken token = issued.token();
    assertThat(token.status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(token.scope()).isEqualTo(Scope.EDI);
    assertThat(token.organization()).isEqualTo(ACME);
    assertThat(token.environment()).isEqualTo(PROD);
    assertThat(token.description()).isEqualTo("Partner X AS2");
    assertThat(token.version()).isEqualTo(1);
    assertThat(token.createdAt()).isEqualTo(Instant.parse("2026-11-28T09:00:00.123456Z"));
    assertThat(token.updatedAt()).isEqualTo(token.createdAt());
    assertThat(issued.value().reveal()).matches("atk_[0-9A-Za-z]{49}");
    assertThat(issued.value().id()).isEqualTo(token.id());
    assertThat(token.maskedValue())
        .isEqualTo("atk_" + token.id() + "\u2026")
        .isEqualTo(issued.value().masked());
    assertThat(service.get(ACME, token.id())).isEqualTo(token);
    assertThat(service.list(ACME, TokenQuery.all()).tokens())
        .singleElement()
        .satisfies(listed -> assertThat(listed.maskedValue()).isEqualTo(token.maskedValue()));
  }

  @Test
  void create_withoutDescription_hasNone_andBlankMeansNone() {
    assertThat(create(service, ACME, PROD, null, ALICE).token().description()).isNull();
    assertThat(create(service, ACME, PROD, "   ", ALICE).token().description()).isNull();
  }

  @Test
  void create_mintsDistinctValuesAndIds() {
    Set<String> values = new HashSet<>();
    Set<TokenId> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      IssuedToken issued = create(service, ACME, TEST, null, ALICE);
      values.add(issued.value().reveal());
      ids.add(issued.id());
    }
    assertThat(values).hasSize(200);
    assertThat(ids).hasSize(200);
  }

  @Test
  void create_inAnEnvironmentOfAnotherOrganization_isRefused_andStoresNothing() {
    assertThatThrownBy(() -> create(service, ACME, GLOBEX_PROD, null, ALICE))
        .isInstanceOf(UnknownEnvironmentException.class)
        .hasMessage("organization acme has no environment globex-prod");
    assertNothingWritten(service);
  }

  @Test
  void create_withABadDescription_namesTheRule_andStoresNothing() {
    assertThatThrownBy(() -> create(service, ACME, PROD, "x".repeat(257), ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("description must be at most 256 characters, but has 257");
    assertThatThrownBy(() -> create(service, ACME, PROD, "line\nbreak", ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("description must not contain control characters, but has U+000A at index 4");
    assertThatThrownBy(() -> create(service, ACME, PROD, "half \ud83d", ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> create(service, ACME, PROD, "x".repeat(1_000_000), ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("description must be at most 256 characters, but has 1000000");
    assertThat(service.list(ACME, TokenQuery.all()).tokens()).isEmpty();
  }

  @Test
  void create_countsTheDescriptionLimitInCodePoints() {
    String emoji256 = "\ud83d\udd11".repeat(256); // 512 UTF-16 units, 1024 UTF-8 bytes
    AccessToken token = create(service, ACME, PROD, emoji256, ALICE).token();

    assertThat(service.get(ACME, token.id()).description()).isEqualTo(emoji256);
    assertThatThrownBy(() -> create(service, ACME, PROD, emoji256 + "!", ALICE))
        .hasMessage("description must be at most 256 characters, but has 257");
  }

  @Test
  void create_withMissingArguments_namesThem() {
    assertThatThrownBy(() -> create(service, null, PROD, null, ALICE))
        .hasMessage("organization must not be null");
    assertThatThrownBy(() -> create(service, ACME, null, null, ALICE))
        .hasMessage("environment must not be null");
    assertThatThrownBy(() -> create(service, ACME, PROD, null, null))
        .hasMessage("actor must not be null");
  }

  // ---- Token limits (issue 15)
  // --------------------------------------------------------------------------

  private TokenService limitedTo(long maxTokens) {
    return clockedService()
        .limits(org -> org.equals(ACME) ? maxTokens : TokenLimits.UNLIMITED)
        .listener(events::add)
        .build();
  }

  @Test
  void create_beyondTheOrganizationsLimit_isRefusedNamingTheLimit_andStoresNothing() {
    TokenService limited = limitedTo(2);
    create(limited, ACME, PROD, "one", ALICE);
    create(limited, ACME, TEST, "two", ALICE);
    events.clear();

    assertThatThrownBy(() -> limited.create(ACME, PROD, "three", ALICE))
        .isInstanceOf(TokenLimitExceededException.class)
        .hasMessage(
            "organization acme already holds its limit of 2 tokens (active and inactive count"
                + " alike): delete a token to create another")
        .satisfies(
            e -> {
              TokenLimitExceededException limit = (TokenLimitExceededException) e;
              assertThat(limit.organization()).isEqualTo(ACME);
              assertThat(limit.limit()).isEqualTo(2);
            });
    assertThat(limited.list(ACME, TokenQuery.all()).tokens())
        .extracting(AccessToken::description)
        .containsExactlyInAnyOrder("one", "two");
    assertThat(events).isEmpty();
    create(limited, GLOBEX, GLOBEX_PROD, "another organization's", BOB); // unlimited
  }

  @Test
  void create_afterADelete_takesTheFreedPlace_butInactiveTokensStillCount() {
    TokenService limited = limitedTo(2);
    IssuedToken one = create(limited, ACME, PROD, "one", ALICE);
    IssuedToken two = create(limited, ACME, PROD, "two", ALICE);
    limited.deactivate(ACME, two.id(), ALICE);

    assertThatThrownBy(() -> limited.create(ACME, PROD, "three", ALICE))
        .isInstanceOf(TokenLimitExceededException.class);
    assertThat(limited.delete(ACME, one.id(), ALICE)).isEqualTo(DeleteOutcome.DELETED);
    assertThat(limited.delete(ACME, one.id(), ALICE)).isEqualTo(DeleteOutcome.ALREADY_ABSENT);
    IssuedToken three = create(limited, ACME, PROD, "three", ALICE);
    assertThatThrownBy(() -> limited.create(ACME, PROD, "four", ALICE))
        .isInstanceOf(TokenLimitExceededException.class);
    assertThat(limited.list(ACME, TokenQuery.all()).tokens())
        .extracting(AccessToken::id)
        .containsExactlyInAnyOrder(two.id(), three.id());
  }

  @Test
  void create_underALimitOfOne_andOfZero() {
    assertThatThrownBy(() -> limitedTo(0).create(ACME, PROD, null, ALICE))
        .isInstanceOf(TokenLimitExceededException.class)
        .hasMessageContaining("its limit of 0 tokens");
    create(limitedTo(1), ACME, PROD, null, ALICE);
    assertThatThrownBy(() -> limitedTo(1).create(ACME, PROD, null, ALICE))
        .isInstanceOf(TokenLimitExceededException.class)
        .hasMessageContaining("its limit of 1 token (");
  }

  /** Lowering a limit deletes nothing: creates are refused until enough tokens are deleted. */
  @Test
  void create_underALimitBelowWhatTheOrganizationHolds_isRefused_andNothingIsDeleted() {
    for (int i = 0; i < 3; i++) {
      create(service, ACME, PROD, "made before the limit " + i, ALICE);
    }
    TokenService limited = limitedTo(2);
    assertThatThrownBy(() -> limited.create(ACME, PROD, null, ALICE))
        .isInstanceOf(TokenLimitExceededException.class);
    List<AccessToken> held = limited.list(ACME, TokenQuery.all()).tokens();
    assertThat(held).hasSize(3);
    limited.delete(ACME, held.get(0).id(), ALICE);
    assertThatThrownBy(() -> limited.create(ACME, PROD, null, ALICE))
        .isInstanceOf(TokenLimitExceededException.class);
    limited.delete(ACME, held.get(1).id(), ALICE);
    create(limited, ACME, PROD, null, ALICE);
  }

  @Test
  void create_whenTheHostAnswersANegativeLimit_failsNamingIt_andStoresNothing() {
    assertThatThrownBy(() -> limitedTo(-1).create(ACME, PROD, null, ALICE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("negative limit");
    assertThat(service.list(ACME, TokenQuery.all()).tokens()).isEmpty();
    assertThatThrownBy(() -> TokenLimits.perOrganization(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }

  // ---- Expiry (issue 14)
  // ---------------------------------------------------------------------------------

  private TokenService serviceWithMaximumLifetime(Duration maximum) {
    return clockedService()
        .lifetimePolicy(LifetimePolicy.atMost(maximum))
        .listener(events::add)
        .build();
  }

  @Test
  void create_withoutExpiry_neverExpires_asBefore() {
    AccessToken token = create(service, ACME, PROD, null, ALICE).token();

    assertThat(token.expiresAt()).isNull();
    assertThat(service.get(ACME, token.id()).expiresAt()).isNull();
    assertThat(token.isExpiredAt(Instant.MAX)).isFalse();
  }

  @Test
  void create_withALifetime_storesItsExpiry_keptByEveryLaterChange() {
    AccessToken token =
        create(service, ACME, PROD, "90 days", Expiry.after(Duration.ofDays(90)), ALICE).token();

    Instant expected = Instant.parse("2026-11-28T09:00:00.123456Z").plus(Duration.ofDays(90));
    assertThat(token.expiresAt()).isEqualTo(expected);
    assertThat(service.get(ACME, token.id())).isEqualTo(token);
    assertThat(service.list(ACME, TokenQuery.all()).tokens())
        .singleElement()
        .satisfies(listed -> assertThat(listed.expiresAt()).isEqualTo(expected));
    clock.advance(Duration.ofSeconds(1));
    service.editDescription(ACME, token.id(), "edited", ALICE);
    service.deactivate(ACME, token.id(), ALICE);
    service.activate(ACME, token.id(), ALICE);
    assertThat(service.get(ACME, token.id()).expiresAt()).isEqualTo(expected);
    assertThat(service.get(ACME, token.id()).version()).isEqualTo(4);
  }

  @Test
  void create_withAnExpiryAtAnInstant_keepsItToTheMicrosecond() {
    Instant at = Instant.parse("2027-01-02T03:04:05.678901234Z");

    AccessToken token = create(service, ACME, PROD, null, Expiry.at(at), ALICE).token();

    assertThat(token.expiresAt()).isEqualTo(Instant.parse("2027-01-02T03:04:05.678901Z"));
    assertThat(service.get(ACME, token.id()).expiresAt()).isEqualTo(token.expiresAt());
    assertThat(token.isExpiredAt(token.expiresAt())).isTrue();
    assertThat(token.isExpiredAt(token.expiresAt().minusNanos(1_000))).isFalse();
  }

  @Test
  void create_withAnExpiryNotAfterNow_isRefused_andNothingIsWritten() {
    Instant now = Instant.parse("2026-11-28T09:00:00.123456Z");

    assertThatThrownBy(() -> service.create(ACME, PROD, null, Expiry.at(now), ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiry must be after the token's creation");
    assertThatThrownBy(() -> Expiry.after(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lifetime must be positive, but was PT0S");
    assertNothingWritten(service);
  }

  @Test
  void create_underAMaximumLifetime_withoutExpiry_isRefusedNamingTheMaximum() {
    TokenService limited = serviceWithMaximumLifetime(Duration.ofDays(365));

    assertThatThrownBy(() -> limited.create(ACME, PROD, null, ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a token of organization acme must expire: its maximum lifetime is 365 days");
    assertNothingWritten(limited);
  }

  @Test
  void create_underAMaximumLifetime_beyondIt_isRefusedNamingTheMaximum_andUpToItIsCreated() {
    TokenService limited = serviceWithMaximumLifetime(Duration.ofDays(365));

    assertThatThrownBy(
            () -> limited.create(ACME, PROD, null, Expiry.after(Duration.ofDays(366)), ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximum lifetime of 365 days")
        .hasMessageContaining("at most 2027-11-28T09:00:00.123456Z");
    assertThat(limited.list(ACME, TokenQuery.all()).tokens()).isEmpty();

    AccessToken token =
        create(limited, ACME, PROD, null, Expiry.after(Duration.ofDays(365)), ALICE).token();
    assertThat(token.expiresAt()).isEqualTo(Instant.parse("2027-11-28T09:00:00.123456Z"));
  }

  @Test
  void countBeyondMaximumLifetime_countsTokensCreatedBeforeTheMaximum_andExpiresNone() {
    AccessToken forever = create(service, ACME, PROD, null, ALICE).token();
    AccessToken long_ =
        create(service, ACME, PROD, null, Expiry.after(Duration.ofDays(400)), ALICE).token();
    create(service, ACME, PROD, null, Expiry.after(Duration.ofDays(30)), ALICE);
    create(service, GLOBEX, GLOBEX_PROD, null, ALICE);
    assertThat(service.countBeyondMaximumLifetime(ACME)).as("no maximum").isZero();

    TokenService limited = serviceWithMaximumLifetime(Duration.ofDays(365));

    assertThat(limited.countBeyondMaximumLifetime(ACME)).isEqualTo(2);
    assertThat(limited.countBeyondMaximumLifetime(GLOBEX)).isEqualTo(1);
    assertThat(limited.get(ACME, forever.id())).isEqualTo(forever);
    assertThat(limited.get(ACME, long_.id())).isEqualTo(long_);
  }

  /**
   * The organization-wide scans (the count beyond the maximum lifetime, the expiry reminders,
   * reseal) read page after page: more tokens than one page of 500 are all counted, reminded and
   * examined once. The reminder thresholds are given widest first: each token still gets the
   * tightest one it is within.
   */
  @Test
  void theOrganizationWideScans_readEveryPage_ofMoreTokensThanOnePageHolds() {
    int n = 501;
    for (int i = 0; i < n; i++) {
      create(service, ACME, PROD, null, Expiry.after(Duration.ofDays(5)), ALICE);
    }

    assertThat(serviceWithMaximumLifetime(Duration.ofDays(1)).countBeyondMaximumLifetime(ACME))
        .isEqualTo(n);
    assertThat(service.remindExpiring(ACME, Duration.ofDays(30), Duration.ofDays(7))).isEqualTo(n);
    assertThat(reminders())
        .hasSize(n)
        .allSatisfy(e -> assertThat(e.reason()).endsWith(", within 7 days"))
        .extracting(TokenEvent::tokenId)
        .doesNotHaveDuplicates();
    assertThat(service.reseal(ALICE))
        .isEqualTo(new ResealReport(n, 0, n, 0, 0, 0))
        .matches(ResealReport::complete);
  }

  // ---- Rotation with an overlap (issue 14)
  // ---------------------------------------------------------------

  private static final Instant ROTATION_T0 = Instant.parse("2026-11-28T09:00:00.123456Z");

  /** A validator whose ticker reads the test's clock, so cached answers age as the clock moves. */
  private TokenValidator clockedValidator(TokenService on) {
    return TokenValidator.builder(on).ticker(Fixtures.tickerOf(clock)).build();
  }

  private static boolean accepts(TokenValidator v, TokenSecret value) {
    try {
      v.validate(value.reveal(), Scope.EDI, ACME, PROD);
      return true;
    } catch (ConnectionOpenException e) {
      assertThat(e)
          .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN")
          .extracting(ConnectionOpenException::errorCode)
          .isEqualTo(ErrorCode.INVALID_TOKEN);
      return false;
    }
  }

  @Test
  void rotate_createsASuccessorLikeThePredecessor_withANewValue_andTheOverlapAsItsExpiry() {
    IssuedToken old = create(service, ACME, TEST, "Partner X AS2", ALICE);
    clock.advance(Duration.ofSeconds(5));
    Instant at = ROTATION_T0.plusSeconds(5);

    Rotation rotation = Fixtures.rotate(service, ACME, old.id(), Duration.ofDays(7), BOB);

    AccessToken successor = rotation.successor().token();
    assertThat(successor.id()).isNotEqualTo(old.id());
    assertThat(successor.organization()).isEqualTo(ACME);
    assertThat(successor.environment()).isEqualTo(TEST);
    assertThat(successor.description()).isEqualTo("Partner X AS2");
    assertThat(successor.scope()).isEqualTo(Scope.EDI);
    assertThat(successor.status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(successor.version()).isEqualTo(1);
    assertThat(successor.createdAt()).isEqualTo(at);
    assertThat(successor.expiresAt()).as("a create without expiry: never").isNull();
    assertThat(successor.rotatedFrom()).isEqualTo(old.id());
    assertThat(rotation.successor().value().reveal())
        .matches("atk_[0-9A-Za-z]{49}")
        .isNotEqualTo(old.value().reveal());
    assertThat(rotation.successor().value().id()).isEqualTo(successor.id());

    AccessToken predecessor = rotation.predecessor();
    assertThat(predecessor.id()).isEqualTo(old.id());
    assertThat(predecessor.expiresAt()).isEqualTo(at.plus(Duration.ofDays(7)));
    assertThat(predecessor.version()).isEqualTo(2);
    assertThat(predecessor.updatedAt()).isEqualTo(at);
    assertThat(predecessor.status()).isEqualTo(TokenStatus.ACTIVE);
    assertThat(predecessor.description()).isEqualTo("Partner X AS2");
    assertThat(predecessor.rotatedFrom()).isNull();
    assertThat(service.get(ACME, old.id())).isEqualTo(predecessor);
    assertThat(service.get(ACME, successor.id())).isEqualTo(successor);
    assertThat(service.list(ACME, TokenQuery.all()).tokens())
        .extracting(AccessToken::id, AccessToken::rotatedFrom)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(old.id(), null),
            org.assertj.core.groups.Tuple.tuple(successor.id(), old.id()));
    assertThat(events)
        .extracting(TokenEvent::type, TokenEvent::tokenId, TokenEvent::version, TokenEvent::actor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(TokenEventType.CREATED, old.id(), 1L, ALICE),
            org.assertj.core.groups.Tuple.tuple(TokenEventType.TOKEN_ROTATED, old.id(), 2L, BOB),
            org.assertj.core.groups.Tuple.tuple(TokenEventType.CREATED, successor.id(), 1L, BOB));
    assertThat(events.get(1).reason())
        .isEqualTo("successor " + successor.id() + ", expires at " + at.plus(Duration.ofDays(7)));
    assertThat(events.get(2).reason()).isEqualTo("rotated from " + old.id());
    assertThat(events.get(1).at()).isEqualTo(at);
  }

  /** Under digest-only, the rotation's answer is the only one ever to show the new value. */
  @Test
  void rotate_underDigestOnly_showsTheNewValueOnce() {
    TokenService digestOnly =
        newService(store, CopyPolicy.digestOnly(), DigestPolicy.sha256(), events::add);
    IssuedToken old = create(digestOnly, ACME, PROD, null, ALICE);

    Rotation rotation = Fixtures.rotate(digestOnly, ACME, old.id(), Duration.ofHours(1), ALICE);

    assertThatThrownBy(() -> digestOnly.copy(ACME, rotation.successor().id(), ALICE))
        .isInstanceOf(CopyUnavailableException.class);
    TokenValidator v = TokenValidator.builder(digestOnly).build();
    assertThat(accepts(v, rotation.successor().value())).isTrue();
  }

  @Test
  void rotate_thePredecessorValidatesUntilTheEndOfTheOverlap_thenIsRefused() {
    TokenValidator v = clockedValidator(service);
    IssuedToken old = create(service, ACME, PROD, null, ALICE);
    assertThat(accepts(v, old.value())).as("cached before the rotation").isTrue();

    Rotation rotation = Fixtures.rotate(service, ACME, old.id(), Duration.ofHours(1), ALICE);

    assertThat(accepts(v, old.value())).as("within the overlap").isTrue();
    assertThat(accepts(v, rotation.successor().value())).isTrue();
    clock.advance(Duration.ofHours(1).minusNanos(1_000));
    assertThat(accepts(v, old.value())).as("the last microsecond of the overlap").isTrue();
    clock.advance(Duration.ofNanos(1_000));
    assertThat(accepts(v, old.value())).as("the overlap is over").isFalse();
    assertThat(accepts(v, rotation.successor().value())).isTrue();
    assertThat(service.get(ACME, old.id()).isExpiredAt(clock.instant())).isTrue();
  }

  @Test
  void rotate_withNoOverlap_refusesThePredecessorAtOnce() {
    TokenValidator v = clockedValidator(service);
    IssuedToken old = create(service, ACME, PROD, null, ALICE);
    assertThat(accepts(v, old.value())).isTrue();
    clock.advance(Duration.ofSeconds(1));

    Rotation rotation = Fixtures.rotate(service, ACME, old.id(), Duration.ZERO, ALICE);

    assertThat(rotation.predecessor().expiresAt()).isEqualTo(ROTATION_T0.plusSeconds(1));
    assertThat(accepts(v, old.value())).as("its cached answer was dropped").isFalse();
    assertThat(accepts(v, rotation.successor().value())).isTrue();
  }

  @Test
  void rotate_keepsAPredecessorsEarlierExpiry() {
    IssuedToken old = create(service, ACME, PROD, null, Expiry.after(Duration.ofDays(1)), ALICE);

    Rotation rotation = Fixtures.rotate(service, ACME, old.id(), Duration.ofDays(7), ALICE);

    assertThat(rotation.predecessor().expiresAt()).isEqualTo(old.token().expiresAt());
    assertThat(rotation.predecessor().version()).isEqualTo(2);
  }

  @Test
  void rotate_underAMaximumLifetime_needsTheSuccessorsExpiry_andAnOverlapWithinIt() {
    TokenService limited = serviceWithMaximumLifetime(Duration.ofDays(365));
    IssuedToken old = create(limited, ACME, PROD, null, Expiry.after(Duration.ofDays(30)), ALICE);
    events.clear();

    assertThatThrownBy(() -> limited.rotate(ACME, old.id(), Duration.ofDays(7), ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a token of organization acme must expire: its maximum lifetime is 365 days");
    assertThatThrownBy(
            () ->
                limited.rotate(
                    ACME, old.id(), Duration.ofDays(366), Expiry.after(Duration.ofDays(90)), ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "overlap 366 days is longer than organization acme's maximum lifetime of 365 days");
    assertThat(limited.get(ACME, old.id())).isEqualTo(old.token());
    assertThat(limited.list(ACME, TokenQuery.all()).tokens()).hasSize(1);
    assertThat(events).isEmpty();

    Rotation rotation =
        Fixtures.rotate(
            limited, ACME, old.id(), Duration.ofDays(7), Expiry.after(Duration.ofDays(90)), ALICE);
    assertThat(rotation.successor().token().expiresAt())
        .isEqualTo(ROTATION_T0.plus(Duration.ofDays(90)));
    assertThat(rotation.predecessor().expiresAt()).isEqualTo(ROTATION_T0.plus(Duration.ofDays(7)));
  }

  @Test
  void rotate_withANegativeOverlap_isRefused_andNothingChanges() {
    IssuedToken old = create(service, ACME, PROD, null, ALICE);
    events.clear();

    assertThatThrownBy(() -> service.rotate(ACME, old.id(), Duration.ofSeconds(-1), ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("overlap must not be negative, but was PT-1S");

    assertThat(service.get(ACME, old.id())).isEqualTo(old.token());
    assertThat(service.list(ACME, TokenQuery.all()).tokens()).hasSize(1);
    assertThat(events).isEmpty();
  }

  @Test
  void rotate_ofAnInactiveExpiredOrAlreadyRotatedToken_isAConflictSayingWhy() {
    IssuedToken inactive = create(service, ACME, PROD, null, ALICE);
    service.deactivate(ACME, inactive.id(), ALICE);
    IssuedToken expiring =
        create(service, ACME, PROD, null, Expiry.after(Duration.ofMinutes(1)), ALICE);
    IssuedToken rotated = create(service, ACME, PROD, null, ALICE);
    Rotation first = Fixtures.rotate(service, ACME, rotated.id(), Duration.ofDays(1), ALICE);
    clock.advance(Duration.ofMinutes(1));
    List<AccessToken> before = service.list(ACME, TokenQuery.all()).tokens();
    events.clear();

    assertThatThrownBy(() -> service.rotate(ACME, inactive.id(), Duration.ZERO, ALICE))
        .isInstanceOf(TokenConflictException.class)
        .hasMessage("token " + inactive.id() + " cannot be rotated: it is inactive")
        .extracting(e -> ((TokenConflictException) e).notRotatableReason())
        .isEqualTo("it is inactive");
    assertThatThrownBy(() -> service.rotate(ACME, expiring.id(), Duration.ZERO, ALICE))
        .isInstanceOf(TokenConflictException.class)
        .hasMessage(
            "token "
                + expiring.id()
                + " cannot be rotated: it expired at "
                + expiring.token().expiresAt());
    assertThatThrownBy(() -> service.rotate(ACME, rotated.id(), Duration.ZERO, ALICE))
        .isInstanceOf(TokenConflictException.class)
        .hasMessageStartingWith(
            "token " + rotated.id() + " cannot be rotated: it was already rotated")
        .extracting(e -> ((TokenConflictException) e).notRotatableReason())
        .asString()
        .startsWith("it was already rotated");

    assertThat(service.list(ACME, TokenQuery.all()).tokens()).isEqualTo(before);
    assertThat(events).isEmpty();
    Rotation chained =
        Fixtures.rotate(service, ACME, first.successor().id(), Duration.ofDays(1), ALICE);
    assertThat(chained.successor().token().rotatedFrom()).isEqualTo(first.successor().id());
  }

  @Test
  void rotate_ofADeletedUnknownOrForeignToken_isNotFound() {
    IssuedToken deleted = create(service, ACME, PROD, null, ALICE);
    service.delete(ACME, deleted.id(), ALICE);
    IssuedToken foreign = create(service, GLOBEX, GLOBEX_PROD, null, ALICE);
    events.clear();

    for (TokenId id : List.of(deleted.id(), new TokenId(0x0BADC0FFEEL), foreign.id())) {
      assertThatThrownBy(() -> service.rotate(ACME, id, Duration.ofDays(1), ALICE))
          .isInstanceOf(TokenNotFoundException.class);
    }

    assertThat(service.list(ACME, TokenQuery.all()).tokens()).isEmpty();
    assertThat(service.get(GLOBEX, foreign.id())).isEqualTo(foreign.token());
    assertThat(service.list(GLOBEX, TokenQuery.all()).tokens()).hasSize(1);
    assertThat(events).isEmpty();
  }

  /** The predecessor stays stored during the overlap, so the successor needs a place of its own. */
  @Test
  void rotate_atTheOrganizationsLimit_isRefused_andNothingChanges() {
    TokenService limited = clockedService().limits(TokenLimits.perOrganization(1)).build();
    IssuedToken old = create(limited, ACME, PROD, null, ALICE);

    assertThatThrownBy(() -> limited.rotate(ACME, old.id(), Duration.ofDays(1), ALICE))
        .isInstanceOf(TokenLimitExceededException.class);

    assertThat(limited.get(ACME, old.id())).isEqualTo(old.token());
    assertThat(limited.list(ACME, TokenQuery.all()).tokens()).hasSize(1);
  }

  @Test
  void rotate_withoutEdiAccess_isRefused_andNothingChanges() {
    IssuedToken old = create(service, ACME, PROD, null, ALICE);
    entitlements.set(ACME, false);

    assertThatThrownBy(() -> service.rotate(ACME, old.id(), Duration.ofDays(1), ALICE))
        .isInstanceOf(NotEntitledException.class);

    entitlements.set(ACME, true);
    assertThat(service.get(ACME, old.id())).isEqualTo(old.token());
  }

  // ---- Expiry reminders (issue 14)
  // ------------------------------------------------------------------------

  @Test
  void expiringWithin_listsTheTokensExpiringInTheWindow_pagedLikeTheList() {
    AccessToken in1h =
        create(service, ACME, PROD, null, Expiry.after(Duration.ofHours(1)), ALICE).token();
    clock.advance(Duration.ofSeconds(1)); // the list's order is by creation
    AccessToken in20d =
        create(service, ACME, TEST, null, Expiry.after(Duration.ofDays(20)), ALICE).token();
    clock.advance(Duration.ofSeconds(1));
    AccessToken in40d =
        create(service, ACME, PROD, null, Expiry.after(Duration.ofDays(40)), ALICE).token();
    AccessToken expired =
        create(service, ACME, PROD, null, Expiry.after(Duration.ofMinutes(1)), ALICE).token();
    create(service, ACME, PROD, null, ALICE); // never
    create(service, GLOBEX, GLOBEX_PROD, null, Expiry.after(Duration.ofHours(1)), BOB);
    clock.advance(Duration.ofMinutes(2));

    TokenPage first =
        service.expiringWithin(ACME, Duration.ofDays(30), TokenQuery.all().pageSize(1));
    assertThat(first.tokens()).extracting(AccessToken::id).containsExactly(in1h.id());
    TokenPage second =
        service.expiringWithin(
            ACME, Duration.ofDays(30), TokenQuery.all().pageSize(1).after(first.nextPage().get()));
    assertThat(second.tokens()).extracting(AccessToken::id).containsExactly(in20d.id());
    assertThat(second.nextPage()).isEmpty();
    assertThat(
            service.expiringWithin(ACME, Duration.ofDays(30), TokenQuery.all().inEnvironment(PROD)))
        .extracting(TokenPage::tokens)
        .asList()
        .extracting(t -> ((AccessToken) t).id())
        .containsExactly(in1h.id());
    assertThat(service.expiringWithin(ACME, Duration.ofDays(41), TokenQuery.all()).tokens())
        .extracting(AccessToken::id)
        .containsExactly(in1h.id(), in20d.id(), in40d.id())
        .doesNotContain(expired.id());
    assertThatThrownBy(() -> service.expiringWithin(ACME, Duration.ZERO, TokenQuery.all()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("within must be positive, but was PT0S");
  }

  /**
   * A reminder threshold or an expiring window must be positive, zero and negative alike, whatever
   * other thresholds come with it; a refused call sends nothing.
   */
  @Test
  void remindersAndExpiringWindows_refuseANonPositiveDuration_andSendNothing() {
    create(service, ACME, PROD, null, Expiry.after(Duration.ofDays(3)), ALICE);

    assertThatThrownBy(() -> service.remindExpiring(ACME, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a reminder threshold must be positive, but was PT0S");
    assertThatThrownBy(
            () -> service.remindExpiring(ACME, Duration.ofDays(7), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a reminder threshold must be positive, but was PT-1S");
    assertThatThrownBy(() -> service.expiringWithin(ACME, Duration.ofSeconds(-1), TokenQuery.all()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("within must be positive, but was PT-1S");
    assertThat(reminders()).isEmpty();
    assertThat(service.remindExpiring(ACME, Duration.ofDays(7))).as("the same token, now").isOne();
  }

  // ---- Last used (issue 14)
  // --------------------------------------------------------------------------------

  @Test
  void unusedSince_listsTheTokensNotUsedSince_neverUsedOnesByCreation_pagedLikeTheList() {
    IssuedToken old = create(service, ACME, PROD, null, ALICE);
    AccessToken usedLongAgo = old.token();
    clock.advance(Duration.ofSeconds(1));
    AccessToken neverUsed = create(service, ACME, TEST, null, ALICE).token();
    clock.advance(Duration.ofSeconds(1));
    IssuedToken usedRecently = create(service, ACME, PROD, null, ALICE);
    create(service, GLOBEX, GLOBEX_PROD, null, BOB);
    try (TokenValidator recording =
        TokenValidator.builder(service)
            .recordLastUsed(true)
            .lookupExecutor(Runnable::run)
            .build()) {
      recording.validate(old.value().reveal(), Scope.EDI, ACME, PROD);
      recording.flushLastUsed();
      clock.advance(Duration.ofDays(100));
      AccessToken createdLater = create(service, ACME, PROD, null, ALICE).token();
      recording.validate(usedRecently.value().reveal(), Scope.EDI, ACME, PROD);
      recording.flushLastUsed();
      Instant since = clock.instant().minus(Duration.ofDays(90));

      TokenPage first = service.unusedSince(ACME, since, TokenQuery.all().pageSize(1));
      assertThat(first.tokens()).extracting(AccessToken::id).containsExactly(usedLongAgo.id());
      assertThat(first.tokens().get(0).lastUsedAt()).isNotNull().isBefore(since);
      TokenPage second =
          service.unusedSince(
              ACME, since, TokenQuery.all().pageSize(1).after(first.nextPage().get()));
      assertThat(second.tokens()).extracting(AccessToken::id).containsExactly(neverUsed.id());
      assertThat(second.nextPage()).isEmpty();
      assertThat(service.unusedSince(ACME, since, TokenQuery.all().inEnvironment(TEST)).tokens())
          .extracting(AccessToken::id)
          .containsExactly(neverUsed.id());
      assertThat(service.unusedSince(ACME, since, TokenQuery.all()).tokens())
          .extracting(AccessToken::id)
          .doesNotContain(usedRecently.id(), createdLater.id());
      assertThat(service.get(ACME, usedRecently.id()).lastUsedAt())
          .as("recorded to the microsecond, as the service stores its times")
          .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }
  }

  private List<TokenEvent> reminders() {
    return events.stream().filter(e -> e.type() == TokenEventType.TOKEN_EXPIRING).toList();
  }

  @Test
  void remindExpiring_sendsTheTightestThresholdOnce_andTheNextWhenItIsCrossed() {
    Duration[] thresholds = {Duration.ofDays(7), Duration.ofDays(30)};
    AccessToken in40d =
        create(service, ACME, PROD, "forty", Expiry.after(Duration.ofDays(40)), ALICE).token();
    AccessToken in3d =
        create(service, ACME, PROD, "three", Expiry.after(Duration.ofDays(3)), ALICE).token();
    AccessToken inactive =
        create(service, ACME, PROD, null, Expiry.after(Duration.ofDays(3)), ALICE).token();
    service.deactivate(ACME, inactive.id(), ALICE);
    create(service, ACME, PROD, null, ALICE);
    create(service, GLOBEX, GLOBEX_PROD, null, Expiry.after(Duration.ofDays(3)), BOB);

    assertThat(service.remindExpiring(ACME, thresholds)).isEqualTo(1);
    assertThat(reminders())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.tokenId()).isEqualTo(in3d.id());
              assertThat(e.organization()).isEqualTo(ACME);
              assertThat(e.actor().name()).isEqualTo("expiry-reminders");
              assertThat(e.reason())
                  .isEqualTo("expires at " + in3d.expiresAt() + ", within 7 days");
            });
    assertThat(service.remindExpiring(ACME, thresholds)).as("sent already").isZero();

    clock.advance(Duration.ofDays(11)); // 29 days left
    assertThat(service.remindExpiring(ACME, thresholds)).isEqualTo(1);
    assertThat(reminders().get(1).tokenId()).isEqualTo(in40d.id());
    assertThat(reminders().get(1).reason()).endsWith("within 30 days");
    assertThat(service.remindExpiring(ACME, thresholds)).isZero();

    clock.advance(Duration.ofDays(23)); // 6 days left
    assertThat(service.remindExpiring(ACME, thresholds)).isEqualTo(1);
    assertThat(reminders().get(2).reason()).endsWith("within 7 days");
    assertThat(service.remindExpiring(ACME, thresholds)).isZero();
    assertThat(reminders()).hasSize(3);
    assertThatThrownBy(() -> service.remindExpiring(ACME))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one reminder threshold is required");
  }

  // ---- The table
  // -----------------------------------------------------------------------------------

  @Test
  void list_showsTheOrganizationsRows_oldestFirst_withMaskedValuesOnly() {
    IssuedToken first = create(service, ACME, PROD, "one", ALICE);
    clock.advance(Duration.ofSeconds(1));
    IssuedToken second = create(service, ACME, TEST, "two", ALICE);
    create(service, GLOBEX, GLOBEX_PROD, "theirs", BOB);

    TokenPage page = service.list(ACME, TokenQuery.all());

    assertThat(page.tokens()).extracting(AccessToken::id).containsExactly(first.id(), second.id());
    assertThat(page.hasNext()).isFalse();
    assertThat(page.tokens().toString())
        .doesNotContain(first.value().reveal())
        .doesNotContain(second.value().reveal());
  }

  @Test
  void list_filtersByEnvironmentAndStatus() {
    AccessToken prodActive = create(service, ACME, PROD, null, ALICE).token();
    AccessToken prodInactive = create(service, ACME, PROD, null, ALICE).token();
    AccessToken testActive = create(service, ACME, TEST, null, ALICE).token();
    service.deactivate(ACME, prodInactive.id(), ALICE);

    assertThat(service.list(ACME, TokenQuery.all().inEnvironment(PROD)).tokens())
        .extracting(AccessToken::id)
        .containsExactlyInAnyOrder(prodActive.id(), prodInactive.id());
    assertThat(service.list(ACME, TokenQuery.all().withStatus(TokenStatus.ACTIVE)).tokens())
        .extracting(AccessToken::id)
        .containsExactlyInAnyOrder(prodActive.id(), testActive.id());
    assertThat(
            service
                .list(ACME, TokenQuery.all().inEnvironment(PROD).withStatus(TokenStatus.INACTIVE))
                .tokens())
        .extracting(AccessToken::id)
        .containsExactly(prodInactive.id());
  }

  @Test
  void list_pagesWithAnOpaqueCursor_visitingEveryRowOnce() {
    List<TokenId> created = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      created.add(create(service, ACME, PROD, "t" + i, ALICE).id());
      if (i % 3 == 0) {
        clock.advance(Duration.ofMillis(1)); // some rows share a creation time
      }
    }
    List<TokenId> seen = new ArrayList<>();
    TokenQuery query = TokenQuery.all().pageSize(10);
    int pages = 0;
    while (true) {
      TokenPage page = service.list(ACME, query);
      pages++;
      page.tokens().forEach(t -> seen.add(t.id()));
      if (page.nextPage().isEmpty()) {
        break;
      }
      // The cursor survives a round trip through a browser.
      query = query.after(PageCursor.parse(page.nextPage().get().encode()));
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(created).doesNotHaveDuplicates();
  }

  @Test
  void list_withAPageThatEndsExactlyAtTheLastRow_hasNoNextPage() {
    for (int i = 0; i < 4; i++) {
      create(service, ACME, PROD, null, ALICE);
    }
    assertThat(service.list(ACME, TokenQuery.all().pageSize(4)).hasNext()).isFalse();
    assertThat(service.list(ACME, TokenQuery.all().pageSize(3)).hasNext()).isTrue();
  }

  @Test
  void list_pageSizeOutsideItsRange_isRefused() {
    assertThatThrownBy(() -> TokenQuery.all().pageSize(0))
        .hasMessage("page size must be between 1 and 1000, but was 0");
    assertThatThrownBy(() -> TokenQuery.all().pageSize(1001))
        .hasMessage("page size must be between 1 and 1000, but was 1001");
  }

  // ---- Copy
  // ----------------------------------------------------------------------------------------

  @Test
  void copy_returnsTheFullValue_andEmitsAnAuditEvent() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    events.clear();

    TokenSecret copied = copy(service, ACME, issued.id(), BOB);

    assertThat(copied).isEqualTo(issued.value());
    assertThat(copied.reveal()).isEqualTo(issued.value().reveal());
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(TokenEventType.VALUE_COPIED);
              assertThat(e.actor()).isEqualTo(BOB);
              assertThat(e.tokenId()).isEqualTo(issued.id());
            });
  }

  @Test
  void copy_underDigestOnly_failsAndSaysWhy() {
    TokenService digestOnly =
        newService(store, CopyPolicy.digestOnly(), DigestPolicy.sha256(), e -> {});
    IssuedToken issued = create(digestOnly, ACME, PROD, null, ALICE);

    assertThatThrownBy(() -> copy(digestOnly, ACME, issued.id(), ALICE))
        .isInstanceOf(CopyUnavailableException.class)
        .hasMessageContaining("digest-only")
        .hasMessageContaining("shown once");
    // A service that can seal still cannot copy what was never sealed.
    assertThatThrownBy(() -> copy(service, ACME, issued.id(), ALICE))
        .isInstanceOf(CopyUnavailableException.class)
        .hasMessageContaining("created under the digest-only policy");
  }

  @Test
  void copy_underAnotherSealingKey_failsAndNamesTheKeyId() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE); // sealed under an ephemeral key
    TokenService otherKeys =
        newService(
            store,
            CopyPolicy.sealed(KeyRing.of("k2", new byte[32])),
            DigestPolicy.sha256(),
            e -> {});

    assertThatThrownBy(() -> copy(otherKeys, ACME, issued.id(), ALICE))
        .isInstanceOf(CopyUnavailableException.class)
        .hasMessageContaining("sealed under key id ephemeral");
  }

  // ---- Edit
  // ----------------------------------------------------------------------------------------

  @Test
  void editDescription_changesOnlyTheDescription() {
    AccessToken before = create(service, ACME, PROD, "old", ALICE).token();
    clock.advance(Duration.ofMinutes(5));
    events.clear();

    AccessToken after = service.editDescription(ACME, before.id(), "new", BOB);

    assertThat(after.description()).isEqualTo("new");
    assertThat(after.version()).isEqualTo(2);
    assertThat(after.updatedAt()).isEqualTo(before.createdAt().plus(Duration.ofMinutes(5)));
    assertThat(after)
        .usingRecursiveComparison()
        .ignoringFields("description", "version", "updatedAt")
        .isEqualTo(before);
    assertThat(service.get(ACME, before.id())).isEqualTo(after);
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(TokenEventType.DESCRIPTION_EDITED);
              assertThat(e.version()).isEqualTo(2);
              assertThat(e.actor()).isEqualTo(BOB);
            });
  }

  @Test
  void editDescription_toTheSameText_changesNothing() {
    AccessToken before = create(service, ACME, PROD, "same", ALICE).token();
    events.clear();

    assertThat(service.editDescription(ACME, before.id(), "same", ALICE)).isEqualTo(before);
    assertThat(events).isEmpty();
  }

  @Test
  void editDescription_fromAStaleVersion_isAConflict_andChangesNothing() {
    AccessToken seen = create(service, ACME, PROD, "v1", ALICE).token();
    service.deactivate(ACME, seen.id(), BOB);

    assertThatThrownBy(
            () -> service.editDescription(ACME, seen.id(), "mine", seen.version(), ALICE))
        .isInstanceOf(TokenConflictException.class)
        .hasMessage(
            "token "
                + seen.id()
                + " was changed concurrently: expected version 1 but the stored version is 2");
    assertThat(service.get(ACME, seen.id()).description()).isEqualTo("v1");
  }

  @Test
  void editDescription_withTheCurrentVersion_succeeds() {
    AccessToken seen = create(service, ACME, PROD, "v1", ALICE).token();

    assertThat(service.editDescription(ACME, seen.id(), "v2", 1, ALICE).description())
        .isEqualTo("v2");
  }

  // ---- Status
  // --------------------------------------------------------------------------------------

  @Test
  void deactivate_makesTheTokenInvalidAtOnce_andActivateMakesItValidAgain() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    assertValid(issued.value(), ACME, PROD); // now cached

    AccessToken inactive = service.setStatus(ACME, issued.id(), TokenStatus.INACTIVE, ALICE);
    assertThat(inactive.status()).isEqualTo(TokenStatus.INACTIVE);
    assertInvalid(issued.value(), ACME, PROD);

    service.setStatus(ACME, issued.id(), TokenStatus.ACTIVE, ALICE);
    assertValid(issued.value(), ACME, PROD);
    assertThat(events)
        .extracting(TokenEvent::type)
        .containsExactly(
            TokenEventType.CREATED, TokenEventType.STATUS_CHANGED, TokenEventType.STATUS_CHANGED);
  }

  @Test
  void setStatus_toTheStatusItHas_changesNothing() {
    AccessToken token = create(service, ACME, PROD, null, ALICE).token();

    assertThat(service.activate(ACME, token.id(), ALICE)).isEqualTo(token);
    assertThat(events).hasSize(1);
  }

  // ---- Delete
  // --------------------------------------------------------------------------------------

  @Test
  void delete_removesTheToken_andReportsAnAbsentOneAsAbsent() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    assertValid(issued.value(), ACME, PROD);

    assertThat(service.delete(ACME, issued.id(), BOB)).isEqualTo(DeleteOutcome.DELETED);
    assertThat(service.delete(ACME, issued.id(), BOB)).isEqualTo(DeleteOutcome.ALREADY_ABSENT);

    assertInvalid(issued.value(), ACME, PROD);
    assertThatThrownBy(() -> service.get(ACME, issued.id()))
        .isInstanceOf(TokenNotFoundException.class);
    assertThatThrownBy(() -> service.activate(ACME, issued.id(), ALICE))
        .isInstanceOf(TokenNotFoundException.class);
    assertThat(service.list(ACME, TokenQuery.all()).tokens()).isEmpty();
    assertThat(events)
        .extracting(TokenEvent::type)
        .containsExactly(TokenEventType.CREATED, TokenEventType.DELETED);
    assertThat(events.get(1).actor()).isEqualTo(BOB);
    assertThat(events.get(1).environment()).isEqualTo(PROD);
  }

  // ---- Organization scoping
  // ------------------------------------------------------------------------

  @Test
  void anotherOrganizationsTokenId_behavesExactlyLikeAnUnknownId_andNothingChanges() {
    IssuedToken theirs = create(service, GLOBEX, GLOBEX_PROD, "globex only", BOB);
    TokenId unknown = new TokenId(theirs.id().bits() ^ 0x5555);
    events.clear();

    for (TokenId id : List.of(theirs.id(), unknown)) {
      List<Throwable> failures =
          List.of(
              catchThrowable(() -> service.get(ACME, id)),
              catchThrowable(() -> copy(service, ACME, id, ALICE)),
              catchThrowable(() -> service.editDescription(ACME, id, "pwned", ALICE)),
              catchThrowable(() -> service.deactivate(ACME, id, ALICE)),
              catchThrowable(() -> service.setStatus(ACME, id, TokenStatus.INACTIVE, 1, ALICE)));
      assertThat(failures)
          .allSatisfy(
              f ->
                  assertThat(f)
                      .isExactlyInstanceOf(TokenNotFoundException.class)
                      .hasMessage("no token " + id + " in organization acme"));
      assertThat(service.delete(ACME, id, ALICE)).isEqualTo(DeleteOutcome.ALREADY_ABSENT);
    }
    assertThat(service.get(GLOBEX, theirs.id())).isEqualTo(theirs.token());
    assertNothingWritten(service);
    assertValid(theirs.value(), GLOBEX, GLOBEX_PROD);
    assertInvalid(theirs.value(), ACME, PROD);
  }

  // ---- EDI entitlement
  // -----------------------------------------------------------------------------

  @Test
  void everyManagementCall_ofAnOrganizationWithoutEdi_isRefused_andChangesNothing() {
    entitlements.set(INITECH, true);
    IssuedToken issued = create(service, INITECH, PROD, "before the downgrade", ALICE);
    entitlements.set(INITECH, false);
    service.entitlementChanged(INITECH);
    events.clear();
    TokenId id = issued.id();

    List<Throwable> failures =
        List.of(
            catchThrowable(() -> create(service, INITECH, PROD, null, ALICE)),
            catchThrowable(() -> service.list(INITECH, TokenQuery.all())),
            catchThrowable(() -> service.get(INITECH, id)),
            catchThrowable(() -> copy(service, INITECH, id, ALICE)),
            catchThrowable(() -> service.editDescription(INITECH, id, "x", ALICE)),
            catchThrowable(() -> service.deactivate(INITECH, id, ALICE)),
            catchThrowable(() -> service.delete(INITECH, id, ALICE)),
            catchThrowable(() -> service.deactivateAll(INITECH, null, ALICE, false)),
            catchThrowable(() -> service.deactivateAll(INITECH, null, ALICE, true)),
            catchThrowable(
                () -> service.expiringWithin(INITECH, Duration.ofDays(30), TokenQuery.all())),
            catchThrowable(() -> service.unusedSince(INITECH, Instant.EPOCH, TokenQuery.all())),
            catchThrowable(() -> service.remindExpiring(INITECH, Duration.ofDays(7))),
            catchThrowable(() -> service.countBeyondMaximumLifetime(INITECH)));

    assertThat(failures)
        .allSatisfy(
            f ->
                assertThat(f)
                    .isExactlyInstanceOf(NotEntitledException.class)
                    .hasMessage(
                        "organization initech has no access to the EDI application, so it has no"
                            + " access tokens page"));
    assertThat(events).isEmpty();
    assertInvalid(issued.value(), INITECH, PROD);
    entitlements.set(INITECH, true);
    service.entitlementChanged(INITECH);
    assertThat(service.get(INITECH, id)).isEqualTo(issued.token());
    assertValid(issued.value(), INITECH, PROD);
  }

  @Test
  void revokingEdi_dropsCachedValidations_ofThatOrganizationOnly() {
    IssuedToken acme = create(service, ACME, PROD, null, ALICE);
    IssuedToken globex = create(service, GLOBEX, GLOBEX_PROD, null, BOB);
    assertValid(acme.value(), ACME, PROD);
    assertValid(globex.value(), GLOBEX, GLOBEX_PROD);

    entitlements.set(ACME, false);
    service.entitlementChanged(ACME);

    assertInvalid(acme.value(), ACME, PROD);
    long lookups = validator.stats().storeLookups();
    assertValid(globex.value(), GLOBEX, GLOBEX_PROD);
    assertThat(validator.stats().storeLookups()).as("GLOBEX stayed cached").isEqualTo(lookups);
  }

  // ---- Audit events
  // --------------------------------------------------------------------------------

  @Test
  void everyChange_emitsOneEventWithWhoWhenWhatAndVersion() {
    IssuedToken issued = create(service, ACME, PROD, "a", ALICE);
    clock.advance(Duration.ofSeconds(1));
    service.editDescription(ACME, issued.id(), "b", BOB);
    clock.advance(Duration.ofSeconds(1));
    service.deactivate(ACME, issued.id(), ALICE);
    copy(service, ACME, issued.id(), BOB);
    clock.advance(Duration.ofSeconds(1));
    service.delete(ACME, issued.id(), ALICE);

    Instant t0 = issued.token().createdAt();
    assertThat(events)
        .containsExactly(
            new TokenEvent(TokenEventType.CREATED, ACME, PROD, issued.id(), ALICE, t0, 1),
            new TokenEvent(
                TokenEventType.DESCRIPTION_EDITED,
                ACME,
                PROD,
                issued.id(),
                BOB,
                t0.plusSeconds(1),
                2),
            new TokenEvent(
                TokenEventType.STATUS_CHANGED,
                ACME,
                PROD,
                issued.id(),
                ALICE,
                t0.plusSeconds(2),
                3),
            new TokenEvent(
                TokenEventType.VALUE_COPIED, ACME, PROD, issued.id(), BOB, t0.plusSeconds(2), 3),
            new TokenEvent(
                TokenEventType.DELETED, ACME, PROD, issued.id(), ALICE, t0.plusSeconds(3), 3));
  }

  @Test
  void aFailingListener_neitherUndoesTheChange_norStopsTheOtherListeners() {
    List<TokenEvent> seenAfterFailure = new CopyOnWriteArrayList<>();
    TokenService withBadListener =
        clockedService()
            .listener(
                e -> {
                  throw new IllegalStateException("audit sink is down");
                })
            .listener(seenAfterFailure::add)
            .build();

    IssuedToken issued = create(withBadListener, ACME, PROD, null, ALICE);
    withBadListener.deactivate(ACME, issued.id(), ALICE);

    assertThat(withBadListener.get(ACME, issued.id()).status()).isEqualTo(TokenStatus.INACTIVE);
    assertThat(seenAfterFailure)
        .extracting(TokenEvent::type)
        .containsExactly(TokenEventType.CREATED, TokenEventType.STATUS_CHANGED);
  }

  // ---- Time
  // ----------------------------------------------------------------------------------------

  @Test
  void aClockThatStepsBack_neverMakesUpdatedBeforeCreated() {
    AccessToken token = create(service, ACME, PROD, null, ALICE).token();
    clock.set(token.createdAt().minus(Duration.ofHours(1)));

    AccessToken changed = service.deactivate(ACME, token.id(), ALICE);

    assertThat(changed.updatedAt()).isEqualTo(token.createdAt());
  }

  // ---- Keys and rotation
  // ---------------------------------------------------------------------------

  @Test
  void rotatingKeys_keepsOldTokensValidAndCopyable_andResealMovesThemToTheNewKeys() {
    byte[] seal1 = random(32), seal2 = random(32), mac1 = random(32), mac2 = random(32);
    TokenService before = keyedService(KeyRing.of("s1", seal1), KeyRing.of("m1", mac1));
    IssuedToken old = create(before, ACME, PROD, "made under s1/m1", ALICE);

    TokenService rotated =
        keyedService(
            KeyRing.builder().current("s2", seal2).retired("s1", seal1).build(),
            KeyRing.builder().current("m2", mac2).retired("m1", mac1).build());
    TokenValidator rotatedValidator = TokenValidator.builder(rotated).build();
    assertThat(rotatedValidator.validate(old.value().reveal(), Scope.EDI, ACME, PROD).id())
        .isEqualTo(old.id());
    assertThat(copy(rotated, ACME, old.id(), ALICE)).isEqualTo(old.value());
    IssuedToken fresh = create(rotated, ACME, PROD, "made under s2/m2", ALICE);

    ResealReport report = rotated.reseal(ALICE);
    assertThat(report).isEqualTo(new ResealReport(2, 1, 1, 0, 0, 0));
    assertThat(report.complete()).isTrue();
    assertThat(rotated.reseal(ALICE)).isEqualTo(new ResealReport(2, 0, 2, 0, 0, 0));

    // The retired keys can go now.
    TokenService newOnly = keyedService(KeyRing.of("s2", seal2), KeyRing.of("m2", mac2));
    TokenValidator newOnlyValidator = TokenValidator.builder(newOnly).build();
    for (IssuedToken t : List.of(old, fresh)) {
      assertThat(copy(newOnly, ACME, t.id(), ALICE)).isEqualTo(t.value());
      assertThat(newOnlyValidator.validate(t.value().reveal(), Scope.EDI, ACME, PROD).id())
          .isEqualTo(t.id());
    }
    assertThat(newOnly.get(ACME, old.id()).description()).isEqualTo("made under s1/m1");
  }

  @Test
  void reseal_cannotRedigestATokenWithoutASealedValue_andSaysSo() {
    byte[] mac1 = random(32);
    TokenService digestOnly =
        newService(
            store,
            CopyPolicy.digestOnly(),
            DigestPolicy.hmacSha256(KeyRing.of("m1", mac1)),
            e -> {});
    IssuedToken issued = create(digestOnly, ACME, PROD, null, ALICE);
    TokenService rotated =
        newService(
            store,
            CopyPolicy.digestOnly(),
            DigestPolicy.hmacSha256(
                KeyRing.builder().current("m2", random(32)).retired("m1", mac1).build()),
            e -> {});

    ResealReport report = rotated.reseal(ALICE);

    assertThat(report).isEqualTo(new ResealReport(1, 0, 0, 1, 0, 0));
    assertThat(report.complete()).isFalse();
    assertThat(
            TokenValidator.builder(rotated)
                .build()
                .validate(issued.value().reveal(), Scope.EDI, ACME, PROD)
                .id())
        .isEqualTo(issued.id());
  }

  @Test
  void switchingToDigestOnly_andResealing_dropsTheSealedValues() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    TokenService digestOnly =
        newService(store, CopyPolicy.digestOnly(), DigestPolicy.sha256(), e -> {});

    assertThat(digestOnly.reseal(ALICE).rewritten()).isEqualTo(1);
    assertThatThrownBy(() -> copy(service, ACME, issued.id(), ALICE))
        .hasMessageContaining("created under the digest-only policy");
    assertValid(issued.value(), ACME, PROD);
  }

  // ---- Concurrency through the service
  // ---------------------------------------------------------------

  /**
   * Eight threads toggle, edit and delete the same tokens. Every effective change emits one event
   * carrying the version it produced, so the versions of a token's events must be exactly 2..final,
   * each once (two changes from the same base would repeat a version; a lost one would leave a
   * gap), and exactly one delete per deleted token reports DELETED.
   */
  @Test
  void concurrentTogglesEditsAndDeletes_endInTheExactExpectedState() throws Exception {
    List<IssuedToken> tokens = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tokens.add(create(service, ACME, PROD, "start", ALICE));
    }
    TokenId doomed = tokens.get(3).id();
    events.clear();
    AtomicInteger deletedOutcomes = new AtomicInteger();
    Concurrently.run(
        8,
        t -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < 60; i++) {
            IssuedToken target = tokens.get(random.nextInt(tokens.size()));
            try {
              switch (random.nextInt(5)) {
                case 0, 1 ->
                    service.setStatus(
                        ACME,
                        target.id(),
                        random.nextBoolean() ? TokenStatus.ACTIVE : TokenStatus.INACTIVE,
                        ALICE);
                case 2, 3 -> service.editDescription(ACME, target.id(), "t" + t + "-" + i, ALICE);
                default -> {
                  if (target.id().equals(doomed)
                      && i > 20
                      && service.delete(ACME, doomed, ALICE) == DeleteOutcome.DELETED) {
                    deletedOutcomes.incrementAndGet();
                  }
                }
              }
            } catch (TokenNotFoundException e) {
              assertThat(target.id()).isEqualTo(doomed);
            }
          }
        });

    Map<TokenId, List<TokenEvent>> byToken =
        events.stream()
            .collect(
                Collectors.groupingBy(
                    TokenEvent::tokenId, ConcurrentHashMap::new, Collectors.toList()));
    for (IssuedToken token : tokens.subList(0, 3)) {
      AccessToken last = service.get(ACME, token.id());
      List<Long> versions =
          byToken.getOrDefault(token.id(), List.of()).stream()
              .map(TokenEvent::version)
              .sorted()
              .toList();
      assertThat(versions)
          .as("versions of %s", token.id())
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(2, last.version()).boxed().toList());
      if (last.isActive()) {
        assertValid(token.value(), ACME, PROD);
      } else {
        assertInvalid(token.value(), ACME, PROD);
      }
    }
    List<TokenEvent> doomedEvents = byToken.getOrDefault(doomed, List.of());
    List<TokenEvent> deletes =
        doomedEvents.stream().filter(e -> e.type() == TokenEventType.DELETED).toList();
    assertThat(deletes).hasSize(deletedOutcomes.get()).hasSizeLessThanOrEqualTo(1);
    List<Long> doomedVersions =
        doomedEvents.stream()
            .filter(e -> e.type() != TokenEventType.DELETED)
            .map(TokenEvent::version)
            .sorted()
            .toList();
    if (deletes.isEmpty()) {
      long last = service.get(ACME, doomed).version();
      assertThat(doomedVersions)
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(2, last).boxed().toList());
    } else {
      // The delete removed the row at the last version any change produced: nothing came after it.
      assertThat(doomedVersions)
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(2, deletes.get(0).version())
                  .boxed()
                  .toList());
      assertInvalid(tokens.get(3).value(), ACME, PROD);
      assertThatThrownBy(() -> service.get(ACME, doomed))
          .isInstanceOf(TokenNotFoundException.class);
    }
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
