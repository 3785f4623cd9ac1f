package io.accesstokens.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.CopyPolicy;
import io.accesstokens.TokenService;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.testing.SecretLeakGuard;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SecretLeakGuard.class)
class TokenServiceBuilderTest {
  private final MemoryTokenStore store = new MemoryTokenStore();
  private final EnvironmentDirectory anyEnvironment = (org, env) -> true;

  @Test
  void build_withoutARequiredSetting_namesIt() {
    assertThatThrownBy(
            () ->
                TokenService.builder(store)
                    .environments(anyEnvironment)
                    .copyPolicy(CopyPolicy.digestOnly())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("entitlements are required");
    assertThatThrownBy(
            () ->
                TokenService.builder(store)
                    .entitlements(Entitlements.all())
                    .copyPolicy(CopyPolicy.digestOnly())
                    .build())
        .hasMessageStartingWith("an environment directory is required");
    assertThatThrownBy(
            () ->
                TokenService.builder(store)
                    .entitlements(Entitlements.all())
                    .environments(anyEnvironment)
                    .build())
        .hasMessageStartingWith("a copy policy is required: CopyPolicy.sealed(keys)");
  }

  @Test
  void eachSetting_canBeSetOnce() {
    TokenService.Builder builder = TokenService.builder(store).clock(Clock.systemUTC());
    assertThatThrownBy(() -> builder.clock(Clock.systemUTC())).hasMessage("clock already set");
    builder.copyPolicy(CopyPolicy.digestOnly());
    assertThatThrownBy(() -> builder.copyPolicy(CopyPolicy.ephemeral()))
        .hasMessage("copy policy already set");
  }

  @Test
  void lifetimePolicy_isCheckedWhenSet_andOnlyOnce() {
    TokenService.Builder builder = TokenService.builder(store);
    assertThatThrownBy(() -> builder.lifetimePolicy(null))
        .hasMessage("lifetime policy must not be null");
    assertThatThrownBy(
            () -> io.accesstokens.spi.LifetimePolicy.atMost(java.time.Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximum lifetime must be positive, but was PT-24H");
    builder.lifetimePolicy(io.accesstokens.spi.LifetimePolicy.unlimited());
    assertThatThrownBy(() -> builder.lifetimePolicy(io.accesstokens.spi.LifetimePolicy.unlimited()))
        .hasMessage("lifetime policy already set");
  }

  @Test
  void nullSettings_areRefusedWhenSet() {
    assertThatThrownBy(() -> TokenService.builder(null)).hasMessage("store must not be null");
    assertThatThrownBy(() -> TokenService.builder(store).entitlements(null))
        .hasMessage("entitlements must not be null");
  }

  @Test
  void toString_namesTheStoreAndPolicies_withoutKeys() {
    TokenService service =
        TokenService.builder(store)
            .entitlements(Entitlements.all())
            .environments(anyEnvironment)
            .copyPolicy(CopyPolicy.ephemeral())
            .build();
    assertThat(service.toString())
        .isEqualTo(
            "TokenService[store=MemoryTokenStore[0 tokens], DigestPolicy[sha256],"
                + " CopyPolicy[sealed, KeyRing[current=ephemeral, ids=[ephemeral]]]]");
  }
}
