package io.accesstokens.spi;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The digest of a token value that a store indexes for the validator's lookup, and the id of how it
 * was computed ({@code sha256}, or {@code hmac:<key id>}). {@link #toString()} never shows the
 * bytes.
 *
 * @param keyId how the digest was computed; at most 40 characters
 * @param value the 32 digest bytes (the array is copied in and out)
 */
public record LookupDigest(String keyId, byte[] value) {
  public LookupDigest {
    Objects.requireNonNull(keyId, "digest key id must not be null");
    Objects.requireNonNull(value, "digest must not be null");
    SpiChecks.argument(
        !keyId.isEmpty() && keyId.length() <= 40, "digest key id must be 1 to 40 characters");
    SpiChecks.argument(value.length == 32, "digest must be 32 bytes, but has " + value.length);
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  /** Equal when key id and bytes are equal; the bytes are compared in constant time. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LookupDigest that
        && keyId.equals(that.keyId)
        && MessageDigest.isEqual(value, that.value);
  }

  @Override
  public int hashCode() {
    return 31 * keyId.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "LookupDigest[" + keyId + "]";
  }
}
