package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.Actor;
import io.accesstokens.ConnectionSource;
import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.TokenId;
import io.accesstokens.internal.TokenMint;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A token value pasted where an id, a cursor or an actor belongs: whatever the value type answers
 * (a refusal's message, or the accepted value's own text, which every message naming it would
 * show), it never holds the value or a piece of its secret. The stores' suites repeat this through
 * the service ({@code AbstractSecretLeakTest}).
 */
@ExtendWith(SecretLeakGuard.class)
class PastedValueTest {
  private final String value = mintedWithEveryKindOfCharacter();

  @Test
  void tokenIdParse_neverEchoesAPastedValue() {
    assertNoEcho("TokenId.parse", TokenId::parse);
  }

  @Test
  void pageCursorParse_neverEchoesAPastedValue() {
    assertNoEcho("PageCursor.parse", PageCursor::parse);
  }

  @Test
  void organizationAndEnvironmentIds_neverEchoAPastedValue() {
    assertNoEcho("OrganizationId.of", OrganizationId::of);
    assertNoEcho("EnvironmentId.of", EnvironmentId::of);
  }

  @Test
  void actor_neverEchoesAPastedValue() {
    assertNoEcho("Actor.of", Actor::of);
  }

  @Test
  void connectionSource_neverEchoesAPastedValue() {
    assertNoEcho("ConnectionSource.of", ConnectionSource::of);
  }

  private void assertNoEcho(String what, Function<String, ?> parse) {
    for (String pasted : PastedValues.of(value)) {
      // Refused: the message; accepted: the value's own text, which every message naming it shows.
      Throwable refused = catchThrowable(() -> parse.apply(pasted));
      String shown = refused == null ? String.valueOf(parse.apply(pasted)) : refused.getMessage();
      assertThat(SecretLeakGuard.leak(shown))
          .as("%s echoes a pasted value: %s", what, shown)
          .isNull();
    }
  }

  private static String mintedWithEveryKindOfCharacter() {
    String minted;
    do {
      minted = TokenMint.newValue(TokenMint.newId());
    } while (!PastedValues.hasEveryKindOfCharacter(PastedValues.secretOf(minted)));
    IssuedSecrets.record(minted);
    return minted;
  }
}
