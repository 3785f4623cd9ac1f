package io.accesstokens.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.slf4j.LoggerFactory;

/**
 * The one rule for text a person may have pasted a token into ({@link Redaction}): every value and
 * every secret part is caught by both predicates, the input rule misses pieces of secrets at the
 * rate its Javadoc states (measured on minted values), and ordinary identifiers and descriptions
 * pass.
 */
class RedactionTest {

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.create(() -> TokenMint.newValue(TokenMint.newId()));
  }

  /** Printable text of up to 30 characters, letters and digits included, to put around a value. */
  @Provide
  Arbitrary<String> surroundings() {
    return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30);
  }

  private static String secretOf(String value) {
    return value.substring(TokenFormat.SECRET_OFFSET, TokenFormat.CHECKSUM_OFFSET);
  }

  @Property(tries = 5_000)
  void everyValue_mayHoldASecret_isTokenShaped_andIsShownAsATokenValue(
      @ForAll("values") String value) {
    assertThat(Redaction.mayHoldSecret(value)).isTrue();
    assertThat(Redaction.isTokenShaped(value)).isTrue();
    assertThat(Redaction.describe(value)).isEqualTo("a token value (53 characters)");
    assertThat(Redaction.quote(value, 80)).isEqualTo("a token value (53 characters)");
    assertThat(Redaction.shown(value)).isEqualTo("a token value (53 characters)");
  }

  @Property(tries = 5_000)
  void everySecretPart_mayHoldASecret_andIsNeverQuoted(@ForAll("values") String value) {
    String secret = secretOf(value);
    assertThat(Redaction.mayHoldSecret(secret)).isTrue();
    assertThat(Redaction.quote(secret, 80)).isEqualTo("token-shaped text (32 characters)");
    for (int length = Redaction.MESSAGE_RUN; length <= secret.length(); length++) {
      String piece = secret.substring(secret.length() - length);
      assertThat(Redaction.mayHoldSecret(piece)).as("a piece of %s characters", length).isTrue();
    }
  }

  @Property(tries = 5_000)
  void aValueInAnyText_isTokenShaped_andNothingOfTheTextIsQuoted(
      @ForAll("values") String value,
      @ForAll("surroundings") String before,
      @ForAll("surroundings") String after) {
    String text = before + value + after;
    assertThat(Redaction.mayHoldSecret(text)).isTrue();
    assertThat(Redaction.isTokenShaped(text)).isTrue();
    assertThat(Redaction.quote(text, 200))
        .doesNotContain(secretOf(value).substring(0, 8))
        .matches("(a token value|token-shaped text) \\(\\d+ characters\\)");
  }

  @Property(tries = 2_000)
  void theOtherCaseOfThePrefix_isCaughtToo(@ForAll("values") String value) {
    String shouted = "ATK_" + value.substring(4);
    assertThat(Redaction.isTokenShaped(shouted)).isTrue();
    assertThat(Redaction.describe(shouted)).isEqualTo("token-shaped text (53 characters)");
  }

  /**
   * The miss rates the Javadoc of {@link Redaction#INPUT_RUN} states, measured on freshly minted
   * secrets: a 20-character piece, and a whole 32-character secret part, pass the input rule when
   * they happen to lack upper case, lower case or digits. The bounds are five standard deviations
   * of the sample around the stated rate, which is the exact probability for uniform base62 digits.
   */
  @Example
  void theInputRule_missesPiecesOfSecrets_atTheRateItsJavadocStates() {
    int samples = 100_000;
    SplittableRandom where = new SplittableRandom(11);
    int missedWhole = 0;
    int missedPieces = 0;
    for (int i = 0; i < samples; i++) {
      String secret = secretOf(TokenMint.newValue(TokenMint.newId()));
      if (!Redaction.isTokenShaped(secret)) {
        missedWhole++;
      }
      int at = where.nextInt(secret.length() - Redaction.INPUT_RUN + 1);
      if (!Redaction.isTokenShaped(secret.substring(at, at + Redaction.INPUT_RUN))) {
        missedPieces++;
      }
    }
    double wholeRate = (double) missedWhole / samples;
    double pieceRate = (double) missedPieces / samples;
    LoggerFactory.getLogger("io.accesstokens.figures")
        .info(
            "Redaction input rule misses: {} of {} whole secret parts, {} of {} 20-character"
                + " pieces",
            missedWhole,
            samples,
            missedPieces,
            samples);

    assertThat(exactMissRate(32)).isCloseTo(0.0036, within(0.00005));
    assertThat(exactMissRate(20)).isCloseTo(0.0297, within(0.00005));
    assertThat(wholeRate).isCloseTo(0.0036, within(fiveSigmas(0.0036, samples)));
    assertThat(pieceRate).isCloseTo(0.0297, within(fiveSigmas(0.0297, samples)));
  }

  /**
   * Messages quote a run of one kind of character: the rate at which that lets a 16-character piece
   * of a secret through, as {@link Redaction#MESSAGE_RUN}'s Javadoc states it, and its measurement.
   */
  @Example
  void theMessageRule_quotesPiecesOfSecrets_aboutTwiceInAMillion() {
    double oneKind = Math.pow(10 / 62.0, 16) + 2 * Math.pow(26 / 62.0, 16);
    assertThat(oneKind).isCloseTo(1.8e-6, within(0.05e-6));
    int samples = 200_000;
    int quoted = 0;
    for (int i = 0; i < samples; i++) {
      String secret = secretOf(TokenMint.newValue(TokenMint.newId()));
      if (!Redaction.mayHoldSecret(secret.substring(0, 16))
          || !Redaction.mayHoldSecret(secret.substring(16))) {
        quoted++;
      }
    }
    // Expected 0.7 of 400,000; more than 8 has odds below 10^-7.
    assertThat(quoted)
        .as("16-character pieces a message would quote, of %s", 2 * samples)
        .isLessThanOrEqualTo(8);
  }

  /**
   * The probability that {@code n} uniform base62 digits lack a digit, an upper or a lower case
   * letter.
   */
  private static double exactMissRate(int n) {
    return Math.pow(52 / 62.0, n)
        + 2 * Math.pow(36 / 62.0, n)
        - 2 * Math.pow(26 / 62.0, n)
        - Math.pow(10 / 62.0, n);
  }

  private static double fiveSigmas(double p, int samples) {
    return 5 * Math.sqrt(p * (1 - p) / samples);
  }

  /** What hosts and people legitimately put where the input rule applies: never refused. */
  @Example
  void ordinaryIdentifiersAndDescriptions_areNotTokenShaped() {
    List<String> corpus =
        new ArrayList<>(
            List.of(
                "production",
                "sandbox",
                "acme",
                "acme-corp_eu.1:prod@x",
                "12345",
                "Partner X over AS2",
                "Partner X over AS2 (Berlin, 2026-11-28)",
                "alice@acme.example",
                "Zo\u00eb O'Brien <zoe@example.com>",
                "svc-edi-connector@platform.iam.example.com",
                "IntegrationPartnerNorthEastRegion",
                "ThisIsAVeryLongCamelCaseDescriptionWithoutDigits",
                "EDI_PARTNER_2026_WAREHOUSE_NORTH",
                "AKIAIOSFODNN7EXAMPLE",
                "5f2b8c9e4a1d3e7f6b0c9d8e",
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
                "cli-9f86d081",
                "seal-2026-11",
                "https://edi.example.com/as2/partner-x",
                "ORDERS D96A UNOC:3",
                "\u00c4rger mit \u00dcberweisungen",
                "\ud83d\udd11 rotate before 2027",
                "atk_",
                "atk_\u2026",
                "the atk_ prefix"));
    for (int i = 0; i < 1_000; i++) {
      UUID uuid = UUID.randomUUID();
      corpus.add(uuid.toString());
      corpus.add(uuid.toString().toUpperCase());
      corpus.add(uuid.toString().replace("-", ""));
      corpus.add(uuid.toString().replace("-", "").toUpperCase());
    }
    for (String text : corpus) {
      assertThat(Redaction.isTokenShaped(text)).as("%s", text).isFalse();
    }
    assertThat(Redaction.quote("Partner X over AS2", 80)).isEqualTo("\"Partner X over AS2\"");
    assertThat(Redaction.shown("production")).isEqualTo("production");
  }

  /**
   * The known cost, stated in {@link Redaction#INPUT_RUN}: random base62 ids of 20 or more
   * characters with every kind of character cannot be told from a piece of a secret, and are
   * refused.
   */
  @Example
  void randomBase62IdsOfTwentyCharacters_areRefused_theStatedCost() {
    assertThat(Redaction.isTokenShaped("8oXWJ3b9bP5k3Ue0DGbR")).isTrue(); // a Firestore document id
    assertThat(Redaction.isTokenShaped("org_2Z8kq0sJ0WcH3VuXq4yT1bQ9pLm")).isTrue();
    assertThat(Redaction.isTokenShaped("8oXWJ3b9bP5k3Ue0DGb")).as("19 characters").isFalse();
  }

  @Example
  void messagesQuoteOrdinaryText_escaped_andCapped() {
    assertThat(Redaction.quote("eve\u0007", 80)).isEqualTo("\"eve\\u0007\"");
    assertThat(Redaction.quote("a\u0085b\u2028c\u202ed", 80))
        .isEqualTo("\"a\\u0085b\\u2028c\\u202ed\"");
    assertThat(Redaction.quote("x".repeat(100), 10))
        .isEqualTo("\"xxxxxxxxxx\"... (100 characters)");
    assertThat(Redaction.quote(null, 10)).isEqualTo("null");
    assertThat(Redaction.describe("x")).isEqualTo("text of 1 character");
    assertThat(Redaction.describe("0123456789abcdefXYZ"))
        .isEqualTo("token-shaped text (19 characters)");
    assertThat(Redaction.mayHoldSecret("0123456789abcde")).as("15 characters").isFalse();
    assertThat(Redaction.mayHoldSecret("0123456789abcdef"))
        .as("16 characters of two kinds")
        .isTrue();
    assertThat(Redaction.shown("100000000012345678"))
        .as("a long number")
        .isEqualTo("100000000012345678");
    assertThat(Redaction.shown("integrationpartnernortheast"))
        .as("a word")
        .isEqualTo("integrationpartnernortheast");
  }

  /** Exactly the line and paragraph separators and bidirectional controls, over every char. */
  @Example
  void lineBreaksAndBidiControls_areExactlyTheListedCodePoints() {
    List<Integer> found = new ArrayList<>();
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      if (Redaction.isLineBreakOrBidi((char) c)) {
        found.add(c);
      }
    }
    assertThat(found)
        .containsExactly(
            0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066,
            0x2067, 0x2068, 0x2069);
    assertThat(Character.isISOControl('\u0085'))
        .as("NEL is refused as a control character")
        .isTrue();
  }
}
