package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.internal.TokenFormat;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A token value pasted where an id, a cursor or an actor belongs: whatever the value type answers (a
 * refusal's message, or the accepted value's own text, which every message naming it would show), it
 * never holds the value or a piece of its secret. The stores' suites repeat this through the service
 * ({@code AbstractSecretLeakTest}).
 */
class PastedValueTest {
  private final String value = mintedWithEveryKindOfCharacter();
  private final String secret = value.substring(TokenFormat.SECRET_OFFSET, TokenFormat.CHECKSUM_OFFSET);

  /** Whole, in a sentence, its first 40 characters, its secret part, and 20- and 24-character pieces. */
  private List<String> pastes() {
    List<String> pastes = new ArrayList<>(List.of(
        value, "Bearer " + value, value.substring(0, 40), secret, "token: " + secret));
    for (int length = 20; length <= 24; length += 4) {
      for (int at = 0; at + length <= secret.length(); at += 6) {
        if (hasEveryKindOfCharacter(secret.substring(at, at + length))) {
          pastes.add(secret.substring(at, at + length));
        }
      }
    }
    return pastes;
  }

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

  private void assertNoEcho(String what, Function<String, ?> parse) {
    for (String pasted : pastes()) {
      // Refused: the message; accepted: the value's own text, which every message naming it shows.
      Throwable refused = catchThrowable(() -> parse.apply(pasted));
      String shown = refused == null ? String.valueOf(parse.apply(pasted)) : refused.getMessage();
      assertThat(SecretLeakGuard.leak(shown)).as("%s echoes a pasted value: %s", what, shown).isNull();
    }
  }

  private static String mintedWithEveryKindOfCharacter() {
    String minted;
    do {
      minted = TokenMint.newValue(TokenMint.newId());
    } while (!hasEveryKindOfCharacter(minted.substring(TokenFormat.SECRET_OFFSET, TokenFormat.CHECKSUM_OFFSET)));
    IssuedSecrets.record(minted);
    return minted;
  }

  private static boolean hasEveryKindOfCharacter(String text) {
    return text.chars().anyMatch(Character::isDigit) && text.chars().anyMatch(Character::isUpperCase)
        && text.chars().anyMatch(Character::isLowerCase);
  }
}
