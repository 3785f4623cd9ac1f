package io.accesstokens.spi;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A token value encrypted for the page's Copy action (AES-GCM: nonce, ciphertext and tag), with the
 * id of the key that sealed it. Opaque to stores, which keep it as bytes. {@link #toString()} never
 * shows the bytes.
 *
 * @param keyId the sealing key's id; at most 32 characters
 * @param ciphertext nonce, ciphertext and tag (the array is copied in and out)
 */
public record SealedValue(String keyId, byte[] ciphertext) {
  public SealedValue {
    Objects.requireNonNull(keyId, "sealing key id must not be null");
    Objects.requireNonNull(ciphertext, "sealed value must not be null");
    SpiChecks.argument(
        !keyId.isEmpty() && keyId.length() <= 32, "sealing key id must be 1 to 32 characters");
    SpiChecks.argument(
        ciphertext.length > 0 && ciphertext.length <= 256,
        "sealed value must be 1 to 256 bytes, but has " + ciphertext.length);
    ciphertext = ciphertext.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SealedValue that
        && keyId.equals(that.keyId)
        && Arrays.equals(ciphertext, that.ciphertext);
  }

  @Override
  public int hashCode() {
    return 31 * keyId.hashCode() + Arrays.hashCode(ciphertext);
  }

  @Override
  public String toString() {
    return "SealedValue[" + keyId + "]";
  }
}
