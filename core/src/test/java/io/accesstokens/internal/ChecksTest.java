package io.accesstokens.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What every check returns and what its message says: the field and the rule, and the value only as
 * {@link Redaction#quote} allows. (Which identifiers pass is {@link ChecksPropertyTest}'s.)
 */
class ChecksTest {
  private static final Pattern KEY = Pattern.compile("[a-z]{1,4}");

  @Test
  void notNull_returnsTheValue_andRefusesNullNamingTheField() {
    assertThat(Checks.notNull("value", "field")).isEqualTo("value");
    assertThatThrownBy(() -> Checks.notNull(null, "token id"))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("token id must not be null");
  }

  @Test
  void identifierByPattern_returnsAMatchingValue_andRefusesOthersNamingTheFieldAndTheRule() {
    assertThat(Checks.identifier("abc", "key id", KEY, "1 to 4 small letters")).isEqualTo("abc");

    assertThatThrownBy(() -> Checks.identifier("abcde", "key id", KEY, "1 to 4 small letters"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("key id must be 1 to 4 small letters, but was \"abcde\"");
    assertThatThrownBy(() -> Checks.identifier(" \t", "key id", KEY, "1 to 4 small letters"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("key id must not be blank");
    assertThatThrownBy(() -> Checks.identifier(null, "key id", KEY, "1 to 4 small letters"))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("key id must not be null");
  }

  @Test
  void identifier_returnsAValidId_andRefusesAnInvalidOneQuotingItSafely() {
    assertThat(Checks.identifier("acme-1", "organization id", "the rule")).isEqualTo("acme-1");

    assertThatThrownBy(() -> Checks.identifier("acme corp\n", "organization id", "the rule"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("organization id must be the rule, but was \"acme corp\\u000a\"");
    assertThatThrownBy(() -> Checks.identifier("  ", "organization id", "the rule"))
        .hasMessage("organization id must not be blank");
    assertThatThrownBy(() -> Checks.identifier(null, "organization id", "the rule"))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("organization id must not be null");
  }

  @Test
  void aTokenValuePastedAsAnId_isRefusedWithoutQuotingIt() {
    String value = TokenMint.newValue(TokenMint.newId());

    assertThatThrownBy(() -> Checks.identifier(value, "organization id", "the rule"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "organization id must not hold a token value, but was a token value (53 characters):")
        .message()
        .doesNotContain(value.substring(TokenFormat.ID_OFFSET));
    assertThatThrownBy(() -> Checks.notTokenShaped("see " + value, "description"))
        .hasMessageStartingWith(
            "description must not hold a token value, but was token-shaped text (57 characters)");
    assertThatCode(() -> Checks.notTokenShaped("nightly EDI upload", "description"))
        .doesNotThrowAnyException();
  }

  @Test
  void argumentAndState_throwTheirOwnTypeWithTheMessage_onlyWhenTheConditionFails() {
    assertThatCode(() -> Checks.argument(true, "unused")).doesNotThrowAnyException();
    assertThatCode(() -> Checks.state(true, "unused")).doesNotThrowAnyException();
    assertThatThrownBy(() -> Checks.argument(false, "size must be positive"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be positive");
    assertThatThrownBy(() -> Checks.state(false, "clock already set"))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("clock already set");
  }
}
