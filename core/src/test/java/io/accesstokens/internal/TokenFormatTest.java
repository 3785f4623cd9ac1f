package io.accesstokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.TokenId;
import java.util.zip.CRC32;
import java.nio.charset.StandardCharsets;
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
  void theMask_showsThePrefixAndLastFourCharactersOnly() {
    String value = TokenMint.newValue(TokenMint.newId());
    assertThat(TokenFormat.mask(value)).isEqualTo("atk_\u2026" + value.substring(49)).hasSize(9);
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
