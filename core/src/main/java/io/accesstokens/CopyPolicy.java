package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.CryptoSupport;
import io.accesstokens.internal.Redaction;
import io.accesstokens.spi.SealedValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Whether and how the page's Copy action can return a token's full value after creation. Stores
 * never receive the clear value: what they keep is decided here.
 *
 * <ul>
 *   <li>{@link #sealed(KeyRing)}: the value is encrypted with AES-GCM under the host's current key
 *       and stored with the key id; Copy decrypts it. The ciphertext is bound to the token id and
 *       organization, so a sealed value copied onto another row does not open. Rotate by adding a
 *       new current key and calling {@link TokenService#reseal}.
 *   <li>{@link #ephemeral()}: the same, under a random key that lives only in this JVM. For the
 *       memory store and tests: after a restart no value can be copied (nor would the memory store
 *       remember the tokens).
 *   <li>{@link #digestOnly()}: no value is kept at all; the full value is shown once by create and
 *       Copy fails with {@link CopyUnavailableException}. The strictest choice.
 * </ul>
 */
public final class CopyPolicy {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String EPHEMERAL_ID = "ephemeral";

  private final @Nullable KeyRing keys;

  private CopyPolicy(@Nullable KeyRing keys) {
    this.keys = keys;
  }

  /**
   * Seal values under the ring's keys, which must all be AES keys (16, 24 or 32 bytes).
   *
   * @throws IllegalArgumentException if a key has another length
   */
  public static CopyPolicy sealed(KeyRing keys) {
    Checks.notNull(keys, "sealing keys");
    for (String id : keys.keyIds()) {
      int length = keys.requireKey(id).getEncoded().length;
      Checks.argument(
          length == 16 || length == 24 || length == 32,
          "AES key " + Redaction.shown(id) + " must be 16, 24 or 32 bytes, but has " + length);
    }
    return new CopyPolicy(keys);
  }

  /** Seal values under a random 256-bit key held only by this policy object. */
  public static CopyPolicy ephemeral() {
    byte[] key = new byte[32];
    CryptoSupport.random().nextBytes(key);
    return new CopyPolicy(KeyRing.of(EPHEMERAL_ID, key));
  }

  /** Keep no value; Copy after creation fails with {@link CopyUnavailableException}. */
  public static CopyPolicy digestOnly() {
    return new CopyPolicy(null);
  }

  /** Whether Copy can work under this policy. */
  public boolean canCopy() {
    return keys != null;
  }

  /** The key id new values are sealed under, or {@code null} for digest-only. */
  @Nullable String currentKeyId() {
    return keys == null ? null : keys.currentId();
  }

  /** The sealed value to store for a new token, or {@code null} under digest-only. */
  @Nullable SealedValue seal(String value, TokenId id, OrganizationId organization) {
    if (keys == null) {
      return null;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    CryptoSupport.random().nextBytes(nonce);
    try {
      Cipher cipher = CryptoSupport.aesGcm();
      cipher.init(
          Cipher.ENCRYPT_MODE, aesKey(keys.currentKey()), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(id, organization));
      byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.US_ASCII));
      return new SealedValue(
          keys.currentId(),
          ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /**
   * Opens a sealed value of token {@code id}.
   *
   * @throws CopyUnavailableException if this policy keeps no keys, lacks the value's key, or the
   *     value does not open under it (wrong key, tampered, or moved from another row)
   */
  String open(SealedValue sealed, TokenId id, OrganizationId organization) {
    if (keys == null) {
      throw new CopyUnavailableException(
          "copy is unavailable: this service keeps only digests of token values (digest-only"
              + " policy), so a value is shown once, when the token is created");
    }
    SecretKey key = keys.key(sealed.keyId());
    if (key == null) {
      throw new CopyUnavailableException(
          "copy is unavailable for token "
              + id
              + ": its value is sealed under key id "
              + Redaction.shown(sealed.keyId())
              + ", which is not in this service's key ring "
              + keys.keyIds().stream().map(Redaction::shown).toList());
    }
    byte[] bytes = sealed.ciphertext();
    if (bytes.length <= NONCE_BYTES + TAG_BITS / 8) {
      throw new CopyUnavailableException(
          "copy is unavailable for token " + id + ": its sealed value is truncated");
    }
    try {
      Cipher cipher = CryptoSupport.aesGcm();
      cipher.init(
          Cipher.DECRYPT_MODE, aesKey(key), new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData(id, organization));
      byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.US_ASCII);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new CopyUnavailableException(
          "copy is unavailable for token "
              + id
              + ": its sealed value does not open under key id "
              + Redaction.shown(sealed.keyId())
              + " (wrong key material, or the stored value was altered)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  private static SecretKey aesKey(SecretKey raw) {
    return new SecretKeySpec(raw.getEncoded(), "AES");
  }

  private static byte[] associatedData(TokenId id, OrganizationId organization) {
    return ("atk-seal-v1|" + id + "|" + organization.value()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return keys == null ? "CopyPolicy[digest-only]" : "CopyPolicy[sealed, " + keys + "]";
  }
}
