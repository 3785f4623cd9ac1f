package io.accesstokens.web;

import static io.accesstokens.web.WebFixture.ACME;
import static io.accesstokens.web.WebFixture.PRODUCTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.TokenQuery;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.LifetimePolicy;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: Rotate under an organization's maximum lifetime (30 days here): an overlap longer than
 * it, or a successor that would live longer (or never expire), is a 400 naming the maximum, and
 * nothing changes.
 */
@ExtendWith(SecretLeakGuard.class)
class RotateLifetimeRestApiTest {
  @RegisterExtension
  final WebFixture web =
      new WebFixture(MemoryTokenStore::new)
          .lifetimePolicy(LifetimePolicy.atMost(Duration.ofDays(30)));

  private IssuedToken issue() {
    IssuedToken issued =
        web.service()
            .create(ACME, PRODUCTION, "partner", Expiry.after(Duration.ofDays(10)), Actor.of("x"));
    IssuedSecrets.record(issued.value().reveal());
    return issued;
  }

  private Answer rotate(IssuedToken token, String body) {
    return new ApiClient(web.page(), "alice")
        .post(AbstractRestApiTest.path(token.id()) + "/rotate", body);
  }

  @Test
  void rotate_beyondTheMaximumLifetime_is400_namingTheMaximum_andChangesNothing() {
    IssuedToken token = issue();

    Answer longOverlap = rotate(token, "{\"overlap\": \"P31D\", \"expiresIn\": \"P30D\"}");
    Answer neverExpires = rotate(token, "{\"overlap\": \"P1D\"}");
    Answer longLife = rotate(token, "{\"overlap\": \"P1D\", \"expiresIn\": \"P31D\"}");

    longOverlap.assertRefused(
        400,
        "INVALID_REQUEST",
        "Overlap 31 days is longer than organization acme's maximum lifetime of 30 days.");
    neverExpires.assertRefused(
        400,
        "INVALID_REQUEST",
        "A token of organization acme must expire: its maximum lifetime is 30 days.");
    assertThat(longLife.status()).as(longLife.toString()).isEqualTo(400);
    assertThat(longLife.code()).isEqualTo("INVALID_REQUEST");
    assertThat(longLife.message())
        .startsWith("Expiry ")
        .contains("is beyond organization acme's maximum lifetime of 30 days (at most ");
    assertThat(web.service().get(ACME, token.id()).version()).isEqualTo(1);
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).hasSize(1);
  }

  @Test
  void rotate_withinTheMaximumLifetime_is201() {
    IssuedToken token = issue();

    Answer rotated = rotate(token, "{\"overlap\": \"P7D\", \"expiresIn\": \"P30D\"}");

    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).hasSize(2);
  }
}
