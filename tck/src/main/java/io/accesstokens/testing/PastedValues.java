package io.accesstokens.testing;

import io.accesstokens.internal.TokenFormat;
import java.util.ArrayList;
import java.util.List;

/** What a person might paste by mistake where an id, an actor or a description belongs. */
public final class PastedValues {
  private PastedValues() {}

  /**
   * The whole value (alone, padded, after "Bearer", in a sentence), its first 40 characters, its
   * secret part (alone and after a label), and pieces of 20 and 24 characters of the secret that
   * have upper case, lower case and digits (as almost every such piece of a random secret has).
   */
  public static List<String> of(String value) {
    String secret = secretOf(value);
    List<String> pastes =
        new ArrayList<>(
            List.of(
                value,
                " " + value + " ",
                "Bearer " + value,
                "my token is " + value + ", thanks",
                value.substring(0, 40),
                secret,
                "token: " + secret));
    for (int length = 20; length <= 24; length += 4) {
      for (int at = 0; at + length <= secret.length(); at += 6) {
        String piece = secret.substring(at, at + length);
        if (hasEveryKindOfCharacter(piece)) {
          pastes.add(piece);
        }
      }
    }
    return pastes;
  }

  /** The 32 random characters of a well-formed value. */
  public static String secretOf(String value) {
    return value.substring(TokenFormat.SECRET_OFFSET, TokenFormat.CHECKSUM_OFFSET);
  }

  /**
   * Whether {@code text} has a digit, an upper-case and a lower-case letter (99.6% of secret parts
   * do).
   */
  public static boolean hasEveryKindOfCharacter(String text) {
    return text.chars().anyMatch(Character::isDigit)
        && text.chars().anyMatch(Character::isUpperCase)
        && text.chars().anyMatch(Character::isLowerCase);
  }
}
