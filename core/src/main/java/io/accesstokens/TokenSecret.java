package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.TokenFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * The full value of an access token: what the page's Copy action puts on the clipboard and what the
 * EDI connector presents. Returned only by {@link TokenService#create} and {@link
 * TokenService#copy}.
 *
 * <p>{@link #toString()} gives the masked form, so a secret that reaches a log or a message by
 * mistake shows only its prefix and id, nothing of or from its secret; {@link #reveal()} is the one
 * way to the value. {@link #equals} takes the same time wherever two values differ.
 *
 * <p>Format (53 ASCII characters): {@code atk_} + the 11-character {@link TokenId} + 32 random
 * base62 characters (190 bits from a CSPRNG) + a 6-character CRC32 checksum.
 */
public final class TokenSecret {
  private final String value;

  private TokenSecret(String value) {
    this.value = value;
  }

  /**
   * Wraps a presented value, for example one a user pasted.
   *
   * @throws IllegalArgumentException if it is not a well-formed token (prefix, length, characters,
   *     checksum); the message never contains the value
   */
  public static TokenSecret of(String value) {
    Checks.notNull(value, "token value");
    if (!TokenFormat.isWellFormed(value)) {
      throw new IllegalArgumentException(
          "token value must be "
              + TokenFormat.LENGTH
              + " characters in the format atk_<id><secret>"
              + "<checksum> with a valid checksum");
    }
    return new TokenSecret(value);
  }

  /** For the service, which has just composed a well-formed value. */
  static TokenSecret trusted(String wellFormed) {
    return new TokenSecret(wellFormed);
  }

  /** The full value. Handle with care: never log it. */
  public String reveal() {
    return value;
  }

  /** The id written inside the value. */
  public TokenId id() {
    return new TokenId(TokenFormat.idBits(value));
  }

  /** The masked form, as the list shows it: the prefix and the id, {@code atk_3QthUyX9wl7…}. */
  public String masked() {
    return TokenFormat.mask(id());
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof TokenSecret that
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.US_ASCII),
            that.value.getBytes(StandardCharsets.US_ASCII));
  }

  /** Hashes the non-secret id only, so a hash table of secrets reveals nothing by timing. */
  @Override
  public int hashCode() {
    return Long.hashCode(TokenFormat.idBits(value));
  }

  /** The masked form; never the value. */
  @Override
  public String toString() {
    return "TokenSecret[" + masked() + "]";
  }
}
