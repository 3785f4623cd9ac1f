package io.accesstokens.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.CopyPolicy;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host that keeps digests only: create shows the value once, and Copy says why it cannot. */
@ExtendWith(SecretLeakGuard.class)
class DigestOnlyCopyTest {
  @RegisterExtension
  final WebFixture web = new WebFixture(MemoryTokenStore::new).copyPolicy(CopyPolicy.digestOnly());

  @Test
  void copy_is409_sayingTheValueWasShownOnce() {
    ApiClient api = new ApiClient(web.page(), "alice");
    Answer created = api.post("api/organizations/acme/tokens", "{\"environment\": \"production\"}");
    @SuppressWarnings("unchecked")
    String id = (String) ((Map<String, Object>) created.json().get("token")).get("id");

    Answer copy = api.post("api/organizations/acme/tokens/" + id + "/copy", null);

    assertThat(TokenFormat.isWellFormed((String) created.json().get("value"))).isTrue();
    copy.assertRefused(
        409,
        "COPY_UNAVAILABLE",
        "Copy is unavailable: this service keeps only digests of token values"
            + " (digest-only policy), so a value is shown once, when the token is created.");
  }
}
