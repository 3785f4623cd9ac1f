package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.AccessToken;
import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenSecret;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The tenants every suite uses (two entitled organizations with environments, and one without EDI),
 * and the one way the suites obtain token values: {@link #create}, {@link #copy} and {@link #mint}
 * record each value in {@link IssuedSecrets}, so the leak guard finds any piece of it in any log
 * line or message of the run.
 */
public final class Fixtures {
  private Fixtures() {}

  public static final OrganizationId ACME = OrganizationId.of("acme");
  public static final OrganizationId GLOBEX = OrganizationId.of("globex");

  /** Has environments but no access to the EDI application. */
  public static final OrganizationId INITECH = OrganizationId.of("initech");

  public static final EnvironmentId PROD = EnvironmentId.of("production");
  public static final EnvironmentId TEST = EnvironmentId.of("test");
  public static final EnvironmentId GLOBEX_PROD = EnvironmentId.of("globex-prod");

  public static final Actor ALICE = Actor.of("alice@acme.example");
  public static final Actor BOB = Actor.of("bob@globex.example");

  /**
   * A service builder on {@code store} with this class's tenants: switchable entitlements (ACME and
   * GLOBEX have EDI), their environments, and an ephemeral sealing key so Copy works.
   */
  public static TokenService.Builder serviceOn(TokenStore store) {
    return serviceOn(store, new SwitchableEntitlements());
  }

  /**
   * A service builder on {@code store} as {@link #serviceOn(TokenStore)}, with {@code entitlements}
   * the test switches itself.
   */
  public static TokenService.Builder serviceOn(
      TokenStore store, SwitchableEntitlements entitlements) {
    return TokenService.builder(store)
        .entitlements(entitlements)
        .environments(environments())
        .copyPolicy(CopyPolicy.ephemeral());
  }

  /**
   * {@code service.create(...)}, with the new value recorded in {@link IssuedSecrets}. Every suite
   * creates tokens through this, so practically every value a test sees is one the guard knows.
   */
  public static IssuedToken create(
      TokenService service,
      OrganizationId organization,
      EnvironmentId environment,
      @Nullable String description,
      Actor actor) {
    IssuedToken issued = service.create(organization, environment, description, actor);
    IssuedSecrets.record(issued.value().reveal());
    return issued;
  }

  /**
   * {@code service.create(...)} with an expiry, the new value recorded in {@link IssuedSecrets}.
   */
  public static IssuedToken create(
      TokenService service,
      OrganizationId organization,
      EnvironmentId environment,
      @Nullable String description,
      io.accesstokens.Expiry expiry,
      Actor actor) {
    IssuedToken issued = service.create(organization, environment, description, expiry, actor);
    IssuedSecrets.record(issued.value().reveal());
    return issued;
  }

  /** {@code service.rotate(...)}, with the successor's value recorded in {@link IssuedSecrets}. */
  public static io.accesstokens.Rotation rotate(
      TokenService service,
      OrganizationId organization,
      TokenId id,
      java.time.Duration overlap,
      Actor actor) {
    io.accesstokens.Rotation rotation = service.rotate(organization, id, overlap, actor);
    IssuedSecrets.record(rotation.successor().value().reveal());
    return rotation;
  }

  /**
   * {@code service.rotate(...)} with the successor's expiry, its value recorded in {@link
   * IssuedSecrets}.
   */
  public static io.accesstokens.Rotation rotate(
      TokenService service,
      OrganizationId organization,
      TokenId id,
      java.time.Duration overlap,
      io.accesstokens.Expiry expiry,
      Actor actor) {
    io.accesstokens.Rotation rotation = service.rotate(organization, id, overlap, expiry, actor);
    IssuedSecrets.record(rotation.successor().value().reveal());
    return rotation;
  }

  /**
   * {@code service.rotate(...)} with the successor's expiry and when the predecessor is retired,
   * the successor's value recorded in {@link IssuedSecrets}.
   */
  public static io.accesstokens.Rotation rotate(
      TokenService service,
      OrganizationId organization,
      TokenId id,
      java.time.Duration overlap,
      io.accesstokens.Expiry expiry,
      io.accesstokens.PredecessorRetirement retirement,
      Actor actor) {
    io.accesstokens.Rotation rotation =
        service.rotate(organization, id, overlap, expiry, retirement, actor);
    IssuedSecrets.record(rotation.successor().value().reveal());
    return rotation;
  }

  /**
   * The token a rotation at {@code at} stores as {@code predecessor}'s successor, with id {@code
   * id}: active, version 1, never expiring, in the predecessor's organization and environment, with
   * its description and scope, and naming it as its predecessor.
   */
  public static AccessToken successorToken(
      AccessToken predecessor, TokenId id, java.time.Instant at) {
    return new AccessToken(
        id,
        predecessor.organization(),
        predecessor.environment(),
        TokenStatus.ACTIVE,
        predecessor.description(),
        predecessor.scope(),
        at,
        at,
        1,
        null,
        predecessor.id(),
        null);
  }

  /** Every row of {@code store} (up to 10,000) by id, in the store's scan order. */
  static Map<TokenId, StoredToken> rowsById(TokenStore store) {
    Map<TokenId, StoredToken> all = new LinkedHashMap<>();
    store.scan(null, 10_000).forEach(r -> all.put(r.id(), r));
    return all;
  }

  /**
   * A ticker that reads {@code clock} (its epoch nanoseconds): validator time and service time that
   * move together, as on a machine whose clock does not jump.
   */
  public static com.github.benmanes.caffeine.cache.Ticker tickerOf(java.time.Clock clock) {
    return () -> {
      java.time.Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
  }

  /**
   * {@code service.copy(...)}, with the value recorded in {@link IssuedSecrets} (it may be a new
   * one).
   */
  public static TokenSecret copy(
      TokenService service, OrganizationId organization, TokenId id, Actor actor) {
    TokenSecret value = service.copy(organization, id, actor);
    IssuedSecrets.record(value.reveal());
    return value;
  }

  /**
   * A well-formed value for {@code id} that no service issued (a guess, a forgery), recorded too.
   */
  public static String mint(TokenId id) {
    String value = TokenMint.newValue(id);
    IssuedSecrets.record(value);
    return value;
  }

  /**
   * Whether {@code validator} accepts {@code token}, an EDI token of {@link #ACME}'s {@link #PROD};
   * a refusal must carry {@code refusedAs}.
   */
  public static boolean accepts(TokenValidator validator, IssuedToken token, ErrorCode refusedAs) {
    try {
      validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
      return true;
    } catch (ConnectionOpenException e) {
      assertThat(e.errorCode()).isEqualTo(refusedAs);
      return false;
    }
  }

  public static EnvironmentDirectory environments() {
    return EnvironmentDirectory.of(
        Map.of(
            ACME, Set.of(PROD, TEST),
            GLOBEX, Set.of(GLOBEX_PROD, TEST),
            INITECH, Set.of(PROD)));
  }

  /** Entitlements a test can change: ACME and GLOBEX have EDI, INITECH has not. */
  public static final class SwitchableEntitlements implements Entitlements {
    private final Set<OrganizationId> entitled = ConcurrentHashMap.newKeySet();

    public SwitchableEntitlements() {
      entitled.add(ACME);
      entitled.add(GLOBEX);
    }

    public void set(OrganizationId organization, boolean hasEdi) {
      if (hasEdi) {
        entitled.add(organization);
      } else {
        entitled.remove(organization);
      }
    }

    @Override
    public boolean isEntitled(OrganizationId organization, Scope scope) {
      return scope == Scope.EDI && entitled.contains(organization);
    }
  }
}
