package io.accesstokens.memory;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.ChangeFollower;
import io.accesstokens.DigestPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.KeyRing;
import io.accesstokens.LookupContext;
import io.accesstokens.RefusalCause;
import io.accesstokens.Scope;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatedToken;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.testing.FakeTicker;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.ScriptedChangeFeed;
import io.accesstokens.testing.SecretLeakGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a validator is wired to what tells it of changes: built from a service it hears that
 * service's changes (through the service's invalidation hub), built from a {@link LookupContext} it
 * hears only its change follower, and closed it hears nothing.
 */
@ExtendWith(SecretLeakGuard.class)
class ValidatorWiringTest {
  private static final Duration EXPIRY = Duration.ofMinutes(10);
  private static final Duration BOUND = Duration.ofSeconds(1);

  private final FakeTicker ticker = new FakeTicker();
  private final MemoryTokenStore store = new MemoryTokenStore();
  private final TokenService service = Fixtures.serviceOn(store).build();
  private final List<TokenValidator> validators = new ArrayList<>();

  @AfterEach
  void closeValidators() {
    validators.forEach(TokenValidator::close);
  }

  private TokenValidator open(TokenValidator.Builder builder) {
    TokenValidator validator =
        builder.ticker(ticker).expireAfter(EXPIRY).executor(Runnable::run).build();
    validators.add(validator);
    return validator;
  }

  /** A follower the test drives, trusted from its first catch-up (no warm-up). */
  private ChangeFollower followerOf(ScriptedChangeFeed feed) {
    return ChangeFollower.builder(feed)
        .stalenessBound(BOUND)
        .longestTransaction(Duration.ZERO)
        .ticker(ticker)
        .drivenByCaller()
        .build();
  }

  private static LookupContext contextOf(MemoryTokenStore store) {
    return LookupContext.of(store, DigestPolicy.sha256(), Entitlements.all());
  }

  private static boolean accepts(TokenValidator validator, IssuedToken token) {
    return Fixtures.accepts(validator, token, ErrorCode.INVALID_TOKEN);
  }

  @Test
  void aValidatorOnALookupContext_validatesWithoutAService_fromItsCacheAfterTheFirstLookup() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    TokenValidator validator = open(TokenValidator.builder(contextOf(store)));

    ValidatedToken first = validator.validate(issued.value().reveal(), Scope.EDI, ACME, PROD);
    ValidatedToken second = validator.validate(issued.value().reveal(), Scope.EDI, ACME, PROD);

    assertThat(first.id()).isEqualTo(issued.id());
    assertThat(second).isSameAs(first);
    assertThat(validator.stats().storeLookups()).isEqualTo(1);
    assertThat(validator.stats().hits()).isEqualTo(1);
  }

  @Test
  void aValidatorOnALookupContext_usesItsDigestPolicy_toFindTokensStoredUnderIt() {
    KeyRing keys = KeyRing.of("digest-1", new byte[32]);
    TokenService keyed =
        Fixtures.serviceOn(store).digestPolicy(DigestPolicy.hmacSha256(keys)).build();
    IssuedToken issued = create(keyed, ACME, PROD, null, ALICE);

    TokenValidator plain = open(TokenValidator.builder(contextOf(store)));
    TokenValidator hmac =
        open(
            TokenValidator.builder(
                LookupContext.of(store, DigestPolicy.hmacSha256(keys), Entitlements.all())));

    assertThat(accepts(plain, issued)).as("looked up under SHA-256").isFalse();
    assertThat(plain.stats().refusals(RefusalCause.UNKNOWN)).isEqualTo(1);
    assertThat(accepts(hmac, issued)).as("looked up under the service's HMAC key").isTrue();
  }

  @Test
  void aValidatorOnALookupContext_hearsNoServicesChange_onlyItsOwnInvalidationOrTheExpiry() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    TokenValidator ofService = open(TokenValidator.builder(service));
    TokenValidator ofContext = open(TokenValidator.builder(contextOf(store)));
    assertThat(accepts(ofService, issued)).isTrue();
    assertThat(accepts(ofContext, issued)).isTrue();

    service.deactivate(ACME, issued.id(), ALICE);

    assertThat(accepts(ofService, issued)).as("built from the service").isFalse();
    assertThat(accepts(ofContext, issued)).as("no service told it: its cache answers").isTrue();
    ofContext.invalidate(issued.id());
    assertThat(accepts(ofContext, issued)).as("after its own invalidation").isFalse();
  }

  @Test
  void aValidatorOnALookupContext_hearsOtherNodesChanges_throughItsFollower() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    ScriptedChangeFeed feed = new ScriptedChangeFeed();
    ChangeFollower follower = followerOf(feed);
    TokenValidator validator =
        open(TokenValidator.builder(contextOf(store)).changeFollower(follower));
    assertThat(follower.catchUp()).isTrue();
    assertThat(accepts(validator, issued)).isTrue();

    service.deactivate(ACME, issued.id(), ALICE); // "another node": this validator is not told
    assertThat(accepts(validator, issued)).as("before the follower read the change").isTrue();
    feed.commitNext(issued.id(), TokenEventType.STATUS_CHANGED);
    assertThat(follower.catchUp()).isTrue();

    assertThat(accepts(validator, issued)).as("after the follower read the change").isFalse();
    assertThat(follower.stats().applied()).isEqualTo(1);
  }

  @Test
  void aChangeThroughTheService_reachesEveryOpenValidatorOfIt_andNoClosedOne() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    TokenValidator first = open(TokenValidator.builder(service));
    TokenValidator second = open(TokenValidator.builder(service));
    assertThat(accepts(first, issued)).isTrue();
    assertThat(accepts(second, issued)).isTrue();

    service.deactivate(ACME, issued.id(), ALICE);

    assertThat(accepts(first, issued)).isFalse();
    assertThat(accepts(second, issued)).isFalse();
    assertThat(Arrays.asList(first.stats().storeLookups(), second.stats().storeLookups()))
        .as("each asked the store again after the eviction")
        .containsExactly(2L, 2L);

    first.close();
    service.activate(ACME, issued.id(), ALICE);
    assertThat(accepts(second, issued)).isTrue();
    assertThatThrownBy(() -> accepts(first, issued))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("validator is closed");
  }

  @Test
  void aFollowerThatServesAnotherValidator_failsTheBuild_andTheFirstValidatorKeepsIt() {
    IssuedToken issued = create(service, ACME, PROD, null, ALICE);
    ScriptedChangeFeed feed = new ScriptedChangeFeed();
    ChangeFollower follower = followerOf(feed);
    TokenValidator first = open(TokenValidator.builder(contextOf(store)).changeFollower(follower));
    TokenValidator.Builder second = TokenValidator.builder(service).changeFollower(follower);

    assertThatThrownBy(second::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a change follower serves one validator, and it already has one");

    assertThat(follower.catchUp()).isTrue();
    assertThat(accepts(first, issued)).isTrue();
    feed.commitNext(issued.id(), TokenEventType.DELETED);
    service.delete(ACME, issued.id(), ALICE);
    assertThat(follower.catchUp()).isTrue();
    assertThat(accepts(first, issued)).isFalse();
  }

  @Test
  void lookupContext_refusesNulls_andShowsNoKey() {
    assertThatThrownBy(() -> LookupContext.of(null, DigestPolicy.sha256(), Entitlements.all()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("store must not be null");
    assertThatThrownBy(() -> LookupContext.of(store, null, Entitlements.all()))
        .hasMessage("digest policy must not be null");
    assertThatThrownBy(() -> LookupContext.of(store, DigestPolicy.sha256(), null))
        .hasMessage("entitlements must not be null");
    assertThatThrownBy(() -> TokenValidator.builder((LookupContext) null))
        .hasMessage("lookup context must not be null");
    KeyRing keys = KeyRing.of("digest-1", new byte[32]);
    assertThat(LookupContext.of(store, DigestPolicy.hmacSha256(keys), Entitlements.all()))
        .hasToString(
            "LookupContext[store=MemoryTokenStore[0 tokens],"
                + " DigestPolicy[hmac-sha256, KeyRing[current=digest-1, ids=[digest-1]]]]");
  }
}
