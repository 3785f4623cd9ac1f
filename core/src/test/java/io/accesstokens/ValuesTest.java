package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.SealedValue;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The small value types: each checks its rule in its constructor and names it when broken. */
class ValuesTest {

  @Test
  void organizationId_acceptsPlatformStyleIds() {
    assertThat(OrganizationId.of("12345").value()).isEqualTo("12345");
    assertThat(OrganizationId.of("acme-corp_eu.1:prod@x").toString())
        .isEqualTo("acme-corp_eu.1:prod@x");
    assertThat(OrganizationId.of("a".repeat(128))).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        " x",
        "x y",
        "-leading",
        "a\u0000b",
        "\u00e9t\u00e9",
        "x'; DROP TABLE t;--",
        "a\nb"
      })
  void organizationId_refusesAnythingElse_namingTheRule(String bad) {
    assertThatThrownBy(() -> OrganizationId.of(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "organization id must be 1 to 128 letters, digits or . _ : @ - starting with a letter"
                + " or digit, but was \"");
  }

  @Test
  void identifiers_refuseNullBlankAndOverlong() {
    assertThatThrownBy(() -> OrganizationId.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("organization id must not be null");
    assertThatThrownBy(() -> EnvironmentId.of("  ")).hasMessage("environment id must not be blank");
    assertThatThrownBy(() -> EnvironmentId.of("a".repeat(129)))
        .hasMessageContaining("environment id must be 1 to 128")
        .hasMessageContaining("(129 characters)");
    assertThatThrownBy(() -> Actor.of("")).hasMessage("actor name must not be blank");
    assertThatThrownBy(() -> Actor.of("eve\u0007"))
        .hasMessage(
            "actor name must be 1 to 256 characters without control characters, line or paragraph"
                + " separators or bidirectional controls, but has U+0007 at index 3");
  }

  @Test
  void aTokenValue_isRefusedAsAnIdOrAnActor_sayingSoWithoutQuotingIt() {
    String value = TokenMint.newValue(TokenMint.newId());
    String tail =
        ": a token's value must never be stored as text; paste it only where a token is expected";
    assertThatThrownBy(() -> OrganizationId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "organization id must not hold a token value, but was a token value (53 characters)"
                + tail);
    assertThatThrownBy(() -> EnvironmentId.of(value))
        .hasMessage(
            "environment id must not hold a token value, but was a token value (53 characters)"
                + tail);
    assertThatThrownBy(() -> Actor.of("alice " + value))
        .hasMessage(
            "actor name must not hold a token value, but was token-shaped text (59 characters)"
                + tail);
    assertThatThrownBy(() -> Actor.of("x9K2mQ7vT4pL8nR3sW6y"))
        .hasMessage(
            "actor name must not hold a token value, but was token-shaped text (20 characters)"
                + tail);
  }

  @Test
  void aDescriptionStoredBeforeTokenValuesWereRefused_isShownAsANote() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    String value = TokenMint.newValue(TokenMint.newId());
    AccessToken row = tokenOf("for partner X: " + value, t, t, 1);

    assertThat(row.description()).isEqualTo("[hidden: token-shaped text (68 characters)]");
    assertThat(row.toString()).doesNotContain(value.substring(15, 23));
  }

  /**
   * NEL (which {@code \\p{Cntrl}} missed), the Unicode line and paragraph separators and every
   * bidirectional control: refused in an actor and in a description, named by code point and index.
   */
  @ParameterizedTest
  @ValueSource(
      chars = {
        '\u0085', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066',
        '\u2067', '\u2068', '\u2069', '\u061c', '\u200e', '\u200f'
      })
  void lineBreaksAndBidiControls_areRefusedInActorsAndDescriptions_byCodePointAndIndex(char c) {
    String codePoint = String.format("U+%04X", (int) c);
    assertThatThrownBy(() -> Actor.of("alice" + c + "bob"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "actor name must be 1 to 256 characters without control characters, line or paragraph"
                + " separators or bidirectional controls, but has "
                + codePoint
                + " at index 5");
    assertThatThrownBy(() -> io.accesstokens.internal.Descriptions.normalize("Partner " + c + "X"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            c == '\u0085'
                ? "description must not contain control characters, but has U+0085 at index 8"
                : "description must not contain line or paragraph separators or bidirectional"
                    + " controls, but has "
                    + codePoint
                    + " at index 8");
  }

  @Test
  void aDescriptionStoredBeforeBidiControlsWereRefused_showsThemAsReplacementCharacters() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    AccessToken row = tokenOf("Partner \u202eX\u2028Y", t, t, 1);

    assertThat(row.description()).isEqualTo("Partner \ufffdX\ufffdY");
  }

  @Test
  void actor_acceptsEmailsAndNamesWithSpaces() {
    assertThat(Actor.of("Zo\u00eb O'Brien <zoe@example.com>").name())
        .isEqualTo("Zo\u00eb O'Brien <zoe@example.com>");
  }

  @Test
  void tokenId_roundTripsThroughItsTextForm_forEvery64BitValue() {
    for (long bits : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x5DEECE66DL}) {
      TokenId id = new TokenId(bits);
      assertThat(id.toString()).hasSize(11);
      assertThat(TokenId.parse(id.toString())).isEqualTo(id);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "short", "0123456789AB", "0123456789!", "zzzzzzzzzzz", "01234 67890"})
  void tokenId_refusesMalformedText(String bad) {
    assertThatThrownBy(() -> TokenId.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("token id must be 11 base62 characters (0-9A-Za-z), but was");
  }

  @Test
  void tokenId_saysWhatIsWrong_byLengthAndPosition_neverQuotingTheText() {
    String value = TokenMint.newValue(new TokenId(42));
    assertThatThrownBy(() -> TokenId.parse(value))
        .hasMessage(
            "token id must be 11 base62 characters (0-9A-Za-z), but was a token value (53"
                + " characters); a token's id is the 11 characters after atk_, and its value must"
                + " not be given where an id is expected");
    assertThatThrownBy(() -> TokenId.parse(value.substring(15, 47)))
        .hasMessage(
            "token id must be 11 base62 characters (0-9A-Za-z), but was token-shaped text (32"
                + " characters)");
    assertThatThrownBy(() -> TokenId.parse("short"))
        .hasMessage(
            "token id must be 11 base62 characters (0-9A-Za-z), but was text of 5 characters");
    assertThatThrownBy(() -> TokenId.parse("0123456789!"))
        .hasMessage(
            "token id must be 11 base62 characters (0-9A-Za-z), but was text of 11 characters with"
                + " U+0021 at index 10");
    assertThatThrownBy(() -> TokenId.parse("zzzzzzzzzzz"))
        .hasMessage(
            "token id must be 11 base62 characters (0-9A-Za-z), but was 11 base62 characters whose"
                + " value does not fit in 64 bits");
  }

  @Test
  void messagesNamingIds_showThemOnlyWhenTheyCannotHoldASecret() {
    OrganizationId hexOrg = OrganizationId.of("5f2b8c9e4a1d3e7f6b0c9d8e");
    assertThat(
            new UnknownEnvironmentException(OrganizationId.of("acme"), EnvironmentId.of("staging")))
        .hasMessage("organization acme has no environment staging");
    assertThat(new UnknownEnvironmentException(hexOrg, EnvironmentId.of("staging")))
        .hasMessage("organization token-shaped text (24 characters) has no environment staging");
    assertThat(new NotEntitledException(hexOrg, Scope.EDI))
        .hasMessage(
            "organization token-shaped text (24 characters) has no access to the EDI application,"
                + " so it has no access tokens page");
    assertThat(new TokenNotFoundException(hexOrg, new TokenId(1)))
        .hasMessage("no token 00000000001 in organization token-shaped text (24 characters)");
  }

  @Test
  void tokenSecret_toStringIsMasked_andEqualityIsByValue() {
    String value = TokenMint.newValue(TokenMint.newId());
    TokenSecret secret = TokenSecret.of(value);

    assertThat(secret.toString())
        .isEqualTo("TokenSecret[atk_" + secret.id() + "\u2026]")
        .doesNotContain(value.substring(15, 47))
        .doesNotContain(value.substring(47));
    assertThat(secret)
        .isEqualTo(TokenSecret.of(new String(value.toCharArray())))
        .hasSameHashCodeAs(TokenSecret.of(value))
        .isNotEqualTo(TokenSecret.of(TokenMint.newValue(secret.id())));
    assertThat(secret.reveal()).isEqualTo(value);
  }

  @Test
  void tokenSecret_refusesAMalformedValue_withoutEchoingIt() {
    String value = TokenMint.newValue(TokenMint.newId());
    String typo =
        value.substring(0, 30) + (value.charAt(30) == 'x' ? 'y' : 'x') + value.substring(31);

    assertThatThrownBy(() -> TokenSecret.of(typo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "token value must be 53 characters in the format atk_<id><secret><checksum> with a"
                + " valid checksum")
        .message()
        .doesNotContain(typo.substring(15, 47));
  }

  @Test
  void digestsAndSealedValues_neverShowTheirBytes() {
    LookupDigest digest = new LookupDigest("sha256", new byte[32]);
    SealedValue sealed = new SealedValue("k1", new byte[] {1, 2, 3});

    assertThat(digest.toString()).isEqualTo("LookupDigest[sha256]");
    assertThat(sealed.toString()).isEqualTo("SealedValue[k1]");
    assertThatThrownBy(() -> new LookupDigest("sha256", new byte[31]))
        .hasMessage("digest must be 32 bytes, but has 31");
  }

  @Test
  void accessToken_checksItsFields() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    assertThatThrownBy(() -> tokenOf(null, t, t, 0))
        .hasMessage("version must be at least 1, but was 0");
    assertThatThrownBy(() -> tokenOf(null, t, t.minusSeconds(1), 1))
        .hasMessage("updated at must not be before created at");
    assertThatThrownBy(() -> tokenOf("a\tb", t, t, 1))
        .hasMessage("description must not contain control characters, but has U+0009 at index 1");
  }

  @Test
  void pageCursor_roundTrips_andRefusesAnythingItDidNotWrite() {
    PageCursor cursor =
        new PageCursor(Instant.parse("2026-03-04T05:06:07.123456789Z"), new TokenId(-5));

    PageCursor back = PageCursor.parse(cursor.encode());
    assertThat(back.createdAt()).isEqualTo(Instant.parse("2026-03-04T05:06:07.123456Z"));
    assertThat(back.id()).isEqualTo(new TokenId(-5));
    assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
    java.util.Map<String, String> refused =
        java.util.Map.of(
            "",
            "text of 0 characters",
            "!!",
            "text of 2 characters",
            "YzE6MTox",
            "text of 8 characters",
            "eDp5Onk",
            "text of 7 characters",
            "YzE6YWJjOjAwMDAwMDAwMDAx",
            "token-shaped text (24 characters)");
    refused.forEach(
        (bad, shown) ->
            assertThatThrownBy(() -> PageCursor.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cursor is malformed: " + shown));
  }

  @Test
  void theConnectorsMessages_areExact() {
    assertThat(new ConnectionOpenException(ErrorCode.INVALID_TOKEN))
        .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN");
    assertThat(new ConnectionOpenException(ErrorCode.STORE_UNAVAILABLE))
        .hasMessage("Error opening connection. Exception is: Error code: STORE_UNAVAILABLE");
  }

  /** Token 1 of organization o's environment e, active for EDI, as its constructor checks it. */
  private static AccessToken tokenOf(
      @Nullable String description, Instant createdAt, Instant updatedAt, long version) {
    return new AccessToken(
        new TokenId(1),
        OrganizationId.of("o"),
        EnvironmentId.of("e"),
        TokenStatus.ACTIVE,
        description,
        Scope.EDI,
        createdAt,
        updatedAt,
        version);
  }
}
