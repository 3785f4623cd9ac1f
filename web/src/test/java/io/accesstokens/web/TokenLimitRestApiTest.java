package io.accesstokens.web;

import static io.accesstokens.web.WebFixture.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.TokenQuery;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.TokenLimits;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15: Add Token beyond the host's limit is a 409 {@code TOKEN_LIMIT_REACHED} that says what
 * to do, and nothing is created.
 */
@ExtendWith(SecretLeakGuard.class)
class TokenLimitRestApiTest {
  @RegisterExtension
  final WebFixture web =
      new WebFixture(MemoryTokenStore::new).limits(TokenLimits.perOrganization(1));

  @Test
  void create_beyondTheLimit_is409_namingTheLimit_andNothingIsCreated() {
    ApiClient api = new ApiClient(web.page(), "alice");
    Answer first =
        api.post(
            AbstractRestApiTest.TOKENS,
            """
            {"environment": "production"}\
            """);
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    IssuedSecrets.record((String) first.json().get("value"));

    Answer second =
        api.post(
            AbstractRestApiTest.TOKENS,
            """
            {"environment": "production"}\
            """);

    assertThat(second.status()).as(second.toString()).isEqualTo(409);
    assertThat(second.code()).isEqualTo("TOKEN_LIMIT_REACHED");
    assertThat(second.message())
        .isEqualTo(
            "Organization \"acme\" already has 1 access token, as many as it may have (inactive"
                + " tokens count too), so no token was added. Delete a token you no longer need"
                + " to add another.");
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).hasSize(1);
  }
}
