package io.accesstokens.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.Rotation;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.LifetimePolicy;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.MutableClock;
import io.accesstokens.testing.ReadmeSnippets;
import io.accesstokens.testing.SecretLeakGuard;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14: the README's expiry and rotation example, run as written (with a clock the test moves,
 * so the overlap ends without waiting a week); a second test keeps the two texts identical.
 */
@ExtendWith(SecretLeakGuard.class)
class ReadmeRotationTest {
  private final MutableClock clock = MutableClock.startingAt("2026-12-03T08:00:00Z");

  @Test
  void theExpiryAndRotationExample_runs_andTheOldValueIsRefusedAfterTheOverlap() {
    TokenService service =
        TokenService.builder(new MemoryTokenStore())
            .entitlements(Entitlements.all())
            .environments((org, env) -> env.value().equals("production"))
            .copyPolicy(CopyPolicy.ephemeral())
            .lifetimePolicy(LifetimePolicy.atMost(Duration.ofDays(365)))
            .clock(clock)
            .build();
    TokenValidator validator =
        TokenValidator.builder(service).ticker(Fixtures.tickerOf(clock)).build();
    OrganizationId acme = OrganizationId.of("acme");
    EnvironmentId production = EnvironmentId.of("production");
    Actor alice = Actor.of("alice@acme.example");

    // spotless:off (laid out as the README shows it)
    // rotation:begin
    IssuedToken issued = service.create(acme, production, "Partner X over AS2",
        Expiry.after(Duration.ofDays(90)), alice);              // stops validating in 90 days
    Rotation rotation = service.rotate(acme, issued.id(),
        Duration.ofDays(7),                                     // the overlap: the old value works 7 more days
        Expiry.after(Duration.ofDays(90)), alice);              // the successor's own expiry
    String newValue = rotation.successor().value().reveal();   // shown once, as by create
    // rotation:end
    // spotless:on
    IssuedSecrets.record(issued.value().reveal());
    IssuedSecrets.record(newValue);

    validator.validate(issued.value().reveal(), Scope.EDI, acme, production);
    validator.validate(newValue, Scope.EDI, acme, production);
    clock.advance(Duration.ofDays(7));
    assertThatThrownBy(
            () -> validator.validate(issued.value().reveal(), Scope.EDI, acme, production))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN");
    assertThat(validator.validate(newValue, Scope.EDI, acme, production).id())
        .isEqualTo(rotation.successor().id());
    assertThat(rotation.successor().token().rotatedFrom()).isEqualTo(issued.id());
  }

  @Test
  void theReadme_showsExactlyThisCode() {
    ReadmeSnippets.assertReadmeShowsSameCode(
        "rotation", "src/test/java/io/accesstokens/memory/ReadmeRotationTest.java");
  }
}
