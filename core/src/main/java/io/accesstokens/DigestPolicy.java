package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.CryptoSupport;
import io.accesstokens.internal.Redaction;
import io.accesstokens.spi.LookupDigest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * How the lookup digest of a token value is computed: the digest is what stores index and what the
 * validator looks up, so stores never hold the value itself.
 *
 * <ul>
 *   <li>{@link #sha256()} (the default): plain SHA-256. The values have 190 random bits, so a
 *       digest cannot be reversed or guessed.
 *   <li>{@link #hmacSha256(KeyRing)}: HMAC-SHA256 under a host key, for hosts whose policy wants a
 *       stolen table to be useless without a key held elsewhere. The key id is stored with each
 *       digest; after a rotation, tokens digested under a retired key keep validating (the
 *       validator tries each key) until {@link TokenService#reseal} rewrites them.
 * </ul>
 */
public final class DigestPolicy {
  static final String SHA256_ID = "sha256";
  private static final String HMAC_PREFIX = "hmac:";

  private final @Nullable KeyRing hmacKeys;
  private final List<KeyedMac> macs;

  private DigestPolicy(@Nullable KeyRing hmacKeys) {
    this.hmacKeys = hmacKeys;
    List<KeyedMac> list = new ArrayList<>();
    if (hmacKeys != null) {
      for (String id : hmacKeys.keyIds()) {
        SecretKey raw = hmacKeys.requireKey(id);
        byte[] encoded = raw.getEncoded();
        Checks.argument(
            encoded.length >= 32,
            "HMAC key "
                + Redaction.shown(id)
                + " must be at least 32 bytes, but has "
                + encoded.length);
        list.add(new KeyedMac(HMAC_PREFIX + id, new SecretKeySpec(encoded, "HmacSHA256")));
      }
    }
    this.macs = List.copyOf(list);
  }

  /** Plain SHA-256 of the value. */
  public static DigestPolicy sha256() {
    return new DigestPolicy(null);
  }

  /**
   * HMAC-SHA256 under the ring's keys (each at least 32 bytes).
   *
   * @throws IllegalArgumentException if a key is shorter than 32 bytes
   */
  public static DigestPolicy hmacSha256(KeyRing keys) {
    return new DigestPolicy(Checks.notNull(keys, "HMAC keys"));
  }

  /** The digest under the current key. */
  LookupDigest digest(String value) {
    if (hmacKeys == null) {
      return sha256Digest(value);
    }
    return macs.get(0).digest(value);
  }

  /** The digests to try when looking a value up: current key first, then each retired key. */
  List<LookupDigest> candidates(String value) {
    if (hmacKeys == null) {
      return List.of(sha256Digest(value));
    }
    List<LookupDigest> out = new ArrayList<>(macs.size());
    for (KeyedMac mac : macs) {
      out.add(mac.digest(value));
    }
    return out;
  }

  /** The key id new digests carry. */
  String currentKeyId() {
    return hmacKeys == null ? SHA256_ID : macs.get(0).keyId;
  }

  private static LookupDigest sha256Digest(String value) {
    MessageDigest sha = CryptoSupport.sha256();
    return new LookupDigest(SHA256_ID, sha.digest(value.getBytes(StandardCharsets.US_ASCII)));
  }

  @Override
  public String toString() {
    return hmacKeys == null
        ? "DigestPolicy[sha256]"
        : "DigestPolicy[hmac-sha256, " + hmacKeys + "]";
  }

  private static final class KeyedMac {
    final String keyId;
    private final ThreadLocal<Mac> perThread;

    KeyedMac(String keyId, SecretKey key) {
      this.keyId = keyId;
      this.perThread = ThreadLocal.withInitial(() -> CryptoSupport.hmacSha256(key));
      perThread.get(); // fail at configuration time, not on the first lookup
    }

    LookupDigest digest(String value) {
      return new LookupDigest(
          keyId, perThread.get().doFinal(value.getBytes(StandardCharsets.US_ASCII)));
    }
  }
}
