package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.PROD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.IssuedToken;
import io.accesstokens.KeyRing;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.Fixtures;

/**
 * The node the fault tests run against a real database: a service whose organizations are all
 * entitled and whose copies are sealed (so a value is stored, as in production), and the checks of
 * what its validator answers for acme's production tokens.
 */
final class Nodes {
  private Nodes() {}

  /**
   * A service on {@code store}: every organization entitled, the fixtures' environments, sealed.
   */
  static TokenService sealedService(TokenStore store) {
    return service(store, CopyPolicy.sealed(KeyRing.of("seal-1", new byte[32])));
  }

  /** A service on {@code store}: every organization entitled, the fixtures' environments. */
  static TokenService service(TokenStore store, CopyPolicy copyPolicy) {
    return TokenService.builder(store)
        .entitlements(Entitlements.all())
        .environments(Fixtures.environments())
        .copyPolicy(copyPolicy)
        .build();
  }

  /** Asserts that {@code validator} accepts {@code token} for EDI in acme's production. */
  static void assertValid(TokenValidator validator, IssuedToken token) {
    assertThat(validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD).id())
        .isEqualTo(token.id());
  }

  /** The refusal {@code validator} answers {@code value} with, for EDI in acme's production. */
  static ConnectionOpenException refusal(TokenValidator validator, String value) {
    Throwable t = catchThrowable(() -> validator.validate(value, Scope.EDI, ACME, PROD));
    assertThat(t).isInstanceOf(ConnectionOpenException.class);
    return (ConnectionOpenException) t;
  }
}
