package io.accesstokens.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.TokenId;
import io.accesstokens.TokenSecret;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class TokenFormatTest {

  @Test
  void aMintedValue_hasThePrefixIdSecretAndChecksum() {
    TokenId id = new TokenId(0x0123_4567_89ab_cdefL);
    String value = TokenMint.newValue(id);

    assertThat(value).hasSize(53).startsWith("atk_" + id).matches("atk_[0-9A-Za-z]{49}");
    assertThat(TokenFormat.isWellFormed(value)).isTrue();
    assertThat(TokenFormat.idBits(value)).isEqualTo(id.bits());
  }

  @Test
  void theChecksum_isTheStandardCrc32OfEverythingBeforeIt_inSixBase62Digits() {
    String value = TokenMint.newValue(TokenMint.newId());
    CRC32 crc = new CRC32();
    crc.update(value.substring(0, 47).getBytes(StandardCharsets.US_ASCII));

    long written = Base62.readUncheckedUnsigned(value, 47, 6);
    assertThat(written).isEqualTo(crc.getValue());
  }

  @Test
  void everySingleCharacterChange_isRecognisedWithoutALookup() {
    String value = TokenMint.newValue(TokenMint.newId());
    for (int i = 0; i < value.length(); i++) {
      for (char c : "0aZ_-\u00e9 ".toCharArray()) {
        if (c == value.charAt(i)) {
          continue;
        }
        String changed = value.substring(0, i) + c + value.substring(i + 1);
        assertThat(TokenFormat.isWellFormed(changed)).as("changed at %d to %s", i, c).isFalse();
      }
    }
  }

  @Test
  void compose_refusesASecretOfAnyOtherLengthThan32Digits() {
    TokenId id = new TokenId(42);
    for (int length : new int[] {0, 31, 33}) {
      char[] secret = "a".repeat(length).toCharArray();
      assertThatThrownBy(() -> TokenFormat.compose(id, secret))
          .as("%d digits", length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("secret must have 32 digits");
    }
    assertThat(TokenFormat.compose(id, "a".repeat(32).toCharArray()))
        .hasSize(TokenFormat.LENGTH)
        .matches(TokenFormat::isWellFormed);
  }

  @Test
  void wrongLengthOrPrefix_isNotWellFormed() {
    String value = TokenMint.newValue(TokenMint.newId());
    assertThat(TokenFormat.isWellFormed(value.substring(1))).isFalse();
    assertThat(TokenFormat.isWellFormed(value + "0")).isFalse();
    assertThat(TokenFormat.isWellFormed("ATK_" + value.substring(4))).isFalse();
    assertThat(TokenFormat.isWellFormed("")).isFalse();
  }

  @Test
  void anIdTooLargeFor64Bits_isNotWellFormed_evenWithAMatchingChecksum() {
    char[] secret = "abcdefghijklmnopqrstuvwxyzABCDEF".toCharArray();
    String valid = TokenFormat.compose(new TokenId(-1), secret); // the largest id: "LygHa16AHYF"
    assertThat(valid.substring(4, 15)).isEqualTo("LygHa16AHYF");
    String tooLarge = recomputeChecksum("atk_zzzzzzzzzzz" + valid.substring(15, 47));

    assertThat(TokenFormat.isWellFormed(valid)).isTrue();
    assertThat(TokenFormat.isWellFormed(tooLarge)).isFalse();
  }

  @Test
  void wellFormedness_agreesWithTheJdkCrc32_forRandomValuesAndEveryWrongChecksumDigit() {
    java.util.Random random = new java.util.Random(42);
    for (int n = 0; n < 2000; n++) {
      char[] first47 = new char[47];
      "atk_".getChars(0, 4, first47, 0);
      for (int i = 4; i < 47; i++) {
        first47[i] = Base62.digit(random.nextInt(62));
      }
      first47[4] = Base62.digit(random.nextInt(16)); // keep the id within 64 bits
      String value = recomputeChecksum(new String(first47));
      assertThat(TokenFormat.isWellFormed(value)).as(value).isTrue();
      int at = 47 + random.nextInt(6);
      char wrong = Base62.digit((Base62.value(value.charAt(at)) + 1 + random.nextInt(61)) % 62);
      String changed = value.substring(0, at) + wrong + value.substring(at + 1);
      assertThat(TokenFormat.isWellFormed(changed)).as(changed).isFalse();
    }
  }

  @Test
  void idsAroundThe64BitLimit_areWellFormedExactlyWhenTheyFit() {
    String secretAndRest = "abcdefghijklmnopqrstuvwxyzABCDEF";
    for (String id : new String[] {"LygHa16AHYF", "KzzzzzzzzzZ", "Kzzzzzzzzzz", "L0000000000"}) {
      assertThat(TokenFormat.isWellFormed(recomputeChecksum("atk_" + id + secretAndRest)))
          .as(id)
          .isTrue();
    }
    for (String id :
        new String[] {"LygHa16AHYG", "LygHa16AHZ0", "LzzzzzzzzzZ", "M0000000000", "Z0000000000"}) {
      assertThat(TokenFormat.isWellFormed(recomputeChecksum("atk_" + id + secretAndRest)))
          .as(id)
          .isFalse();
    }
  }

  /**
   * An ASCII character outside the base62 alphabet, at any position of the id and the secret, with
   * the checksum recomputed over it: the checksum matches, so only the alphabet check refuses it
   * (and each of the eight characters a step of the pass reads is checked, not only some).
   */
  @Test
  void anAsciiCharacterOutsideTheAlphabet_withAMatchingChecksum_isNotWellFormed() {
    String value = TokenMint.newValue(TokenMint.newId());
    for (int i = TokenFormat.ID_OFFSET; i < TokenFormat.CHECKSUM_OFFSET; i++) {
      for (char c : new char[] {'-', '_', '/', '+', ' ', '\u007f'}) {
        String changed = recomputeChecksum(value.substring(0, i) + c + value.substring(i + 1, 47));
        assertThat(TokenFormat.isWellFormed(changed))
            .as("%s at %d", c == ' ' ? "a space" : String.valueOf(c), i)
            .isFalse();
      }
    }
  }

  @Test
  void aCharacterAbove127WhoseLowBitsAreADigit_isNotWellFormed() {
    String value = TokenMint.newValue(TokenMint.newId());
    for (int i = 4; i < value.length(); i++) {
      // U+0130 and U+00B0 have the low seven bits of '0'; the checksum is recomputed over the low
      // byte.
      for (char c :
          new char[] {(char) (0x80 | value.charAt(i)), (char) (0x100 | value.charAt(i))}) {
        String changed = value.substring(0, i) + c + value.substring(i + 1);
        assertThat(TokenFormat.isWellFormed(changed))
            .as("changed at %d to U+%04X", i, (int) c)
            .isFalse();
        if (i < 47) {
          char[] chars = changed.toCharArray();
          CRC32 crc = new CRC32();
          for (int k = 0; k < 47; k++) {
            crc.update(chars[k] & 0xFF);
          }
          Base62.writeUnsigned(crc.getValue(), chars, 47, 6);
          assertThat(TokenFormat.isWellFormed(new String(chars)))
              .as("recomputed at %d", i)
              .isFalse();
        }
      }
    }
  }

  @Test
  void fitsUnsigned_agreesWithExactArithmetic_atAndAroundTheLimit() {
    java.math.BigInteger limit = java.math.BigInteger.ONE.shiftLeft(64);
    java.util.Random random = new java.util.Random(7);
    java.util.List<String> cases =
        new java.util.ArrayList<>(
            java.util.List.of(
                "LygHa16AHYF",
                "LygHa16AHYG",
                "LygHa16AHZ0",
                "LygHa16AHY0",
                "LygHa16AHYz",
                "zzzzzzzzzzz",
                "00000000000",
                "LygHa16AHXz",
                "M0000000000",
                "Lz000000000"));
    for (int n = 0; n < 5000; n++) {
      char[] digits = new char[11];
      for (int i = 0; i < 11; i++) {
        digits[i] = Base62.digit(random.nextInt(62));
      }
      digits[0] = "KLM".charAt(random.nextInt(3));
      cases.add(new String(digits));
    }
    for (String text : cases) {
      java.math.BigInteger exact = java.math.BigInteger.ZERO;
      for (int i = 0; i < text.length(); i++) {
        exact =
            exact
                .multiply(java.math.BigInteger.valueOf(62))
                .add(java.math.BigInteger.valueOf(Base62.value(text.charAt(i))));
      }
      assertThat(Base62.fitsUnsigned(text, 0, 11)).as(text).isEqualTo(exact.compareTo(limit) < 0);
    }
  }

  @Test
  void theSecret_hasUniformDigits() {
    int[] counts = new int[62];
    for (int i = 0; i < 2000; i++) {
      String value = TokenMint.newValue(TokenMint.newId());
      for (int j = TokenFormat.SECRET_OFFSET; j < TokenFormat.CHECKSUM_OFFSET; j++) {
        counts[Base62.value(value.charAt(j))]++;
      }
    }
    // 64,000 digits: each expected about 1032; a 6-bit modulo bias would skew 0 and 1 to about 2x.
    for (int c : counts) {
      assertThat(c).isBetween(850, 1250);
    }
  }

  @Test
  void secretEquals_comparesTheSecretDigitsOnly() {
    String value = TokenMint.newValue(TokenMint.newId());
    byte[] secret = TokenFormat.secretBytes(value);
    String other = TokenMint.newValue(new TokenId(TokenFormat.idBits(value)));

    assertThat(TokenFormat.secretEquals(value, secret)).isTrue();
    assertThat(TokenFormat.secretEquals(other, secret)).isFalse();
  }

  @Test
  void wellFormedId_isTheIdOfAWellFormedValue_andNullForAnyOther() {
    TokenId id = TokenMint.newId();
    String value = TokenMint.newValue(id);
    assertThat(TokenFormat.wellFormedId(value)).isEqualTo(id);
    assertThat(TokenFormat.wellFormedId(value.substring(1))).isNull();
    assertThat(TokenFormat.wellFormedId("atx_" + value.substring(4))).isNull();
    String badChecksum = value.substring(0, 52) + (value.charAt(52) == '0' ? '1' : '0');
    assertThat(TokenFormat.wellFormedId(badChecksum)).isNull();
    for (long bits :
        new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123_4567_89ab_cdefL}) {
      assertThat(TokenFormat.wellFormedId(TokenMint.newValue(new TokenId(bits))))
          .isEqualTo(new TokenId(bits));
    }
  }

  @Test
  void secretWords_matchTheSameSecretOnly_whateverDigitDiffers() {
    String value = TokenMint.newValue(TokenMint.newId());
    long[] w = new long[TokenFormat.SECRET_WORDS];
    for (int i = 0; i < w.length; i++) {
      w[i] = TokenFormat.secretWord(value, i);
    }
    assertThat(TokenFormat.secretEquals(value, w[0], w[1], w[2], w[3])).isTrue();
    for (int i = TokenFormat.SECRET_OFFSET; i < TokenFormat.CHECKSUM_OFFSET; i++) {
      char other = value.charAt(i) == 'a' ? 'b' : 'a';
      String changed = value.substring(0, i) + other + value.substring(i + 1);
      assertThat(TokenFormat.secretEquals(changed, w[0], w[1], w[2], w[3]))
          .as("digit %d", i)
          .isFalse();
      assertThat(TokenFormat.secretEquals(changed, TokenFormat.secretBytes(value)))
          .isEqualTo(TokenFormat.secretEquals(changed, w[0], w[1], w[2], w[3]));
    }
  }

  /**
   * Regression (issue 11): the mask showed the last four characters, the checksum's tail, computed
   * from the secret. It is now a function of the id alone: every value of one id masks alike, and
   * the mask is the value's first 15 characters (prefix and id, the ID column) and an ellipsis.
   */
  @Test
  void theMask_isThePrefixAndTheId_nothingDerivedFromTheSecret() {
    for (int i = 0; i < 1_000; i++) {
      TokenId id = TokenMint.newId();
      String value = TokenMint.newValue(id);
      String sameIdOtherSecret = TokenMint.newValue(id);
      assertThat(TokenFormat.mask(id))
          .isEqualTo("atk_" + id + "\u2026")
          .isEqualTo(value.substring(0, TokenFormat.SECRET_OFFSET) + "\u2026");
      assertThat(TokenSecret.of(value).masked())
          .isEqualTo(TokenSecret.of(sameIdOtherSecret).masked());
    }
  }

  private static String recomputeChecksum(String first47) {
    CRC32 crc = new CRC32();
    crc.update(first47.getBytes(StandardCharsets.US_ASCII));
    char[] out = new char[53];
    first47.getChars(0, 47, out, 0);
    Base62.writeUnsigned(crc.getValue(), out, 47, 6);
    return new String(out);
  }
}
