package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Redaction;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The host's keys for one purpose (sealing values for Copy, or keying the lookup digest), each
 * under a key id that is stored beside what it protected. New values use the {@linkplain
 * #currentId() current} key; values written under a retired key stay readable until {@link
 * TokenService#reseal} rewrites them, so a key can rotate without downtime.
 *
 * <pre>{@code
 * KeyRing keys = KeyRing.builder()
 *     .current("2026-11", keyBytesFromYourVault)
 *     .retired("2025-06", previousKeyBytes)
 *     .build();
 * }</pre>
 *
 * <p>{@link #toString()} lists key ids only.
 */
public final class KeyRing {
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  private final String currentId;
  private final Map<String, SecretKey> keys;

  private KeyRing(String currentId, Map<String, SecretKey> keys) {
    this.currentId = currentId;
    this.keys = Collections.unmodifiableMap(keys);
  }

  /** A ring that needs a current key and may hold retired ones. */
  public static Builder builder() {
    return new Builder();
  }

  /** A ring of just one key. */
  public static KeyRing of(String keyId, byte[] key) {
    return builder().current(keyId, key).build();
  }

  /** The id of the key new values are protected with. */
  public String currentId() {
    return currentId;
  }

  /** Every key id, current first. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /** The key with this id, or {@code null}. */
  @Nullable SecretKey key(String keyId) {
    return keys.get(keyId);
  }

  SecretKey currentKey() {
    return requireKey(currentId);
  }

  /** The key with this id, which must be one of {@link #keyIds()}. */
  SecretKey requireKey(String keyId) {
    return Checks.notNull(keys.get(keyId), "key " + keyId);
  }

  @Override
  public String toString() {
    return "KeyRing[current=" + currentId + ", ids=" + keys.keySet() + "]";
  }

  /** Collects keys; {@link #build()} needs exactly one current key. Not thread-safe. */
  public static final class Builder {
    private @Nullable String currentId;
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The key new values use.
     *
     * @param keyId 1 to 32 letters, digits or {@code . _ -}; stored beside each value
     * @param key 16 to 64 random bytes (copied; AES sealing takes 16, 24 or 32)
     * @throws IllegalStateException if a current key was already set
     * @throws IllegalArgumentException if the id or the key breaks its rule, or the id is taken
     * @throws NullPointerException if {@code keyId} or {@code key} is null
     */
    public Builder current(String keyId, byte[] key) {
      Checks.state(
          currentId == null, "current key already set (" + Redaction.shown(currentId) + ")");
      add(keyId, key);
      currentId = keyId;
      return this;
    }

    /**
     * A key that no new value uses but old values may still be under.
     *
     * @throws IllegalArgumentException if the id or the key breaks its rule, or the id is taken
     * @throws NullPointerException if {@code keyId} or {@code key} is null
     */
    public Builder retired(String keyId, byte[] key) {
      add(keyId, key);
      return this;
    }

    private void add(String keyId, byte[] key) {
      Checks.identifier(keyId, "key id", KEY_ID, "1 to 32 letters, digits or . _ -");
      Checks.notNull(key, "key");
      Checks.argument(
          key.length >= 16 && key.length <= 64,
          "key " + Redaction.shown(keyId) + " must be 16 to 64 bytes, but has " + key.length);
      Checks.argument(
          !keys.containsKey(keyId), "key id " + Redaction.shown(keyId) + " is used twice");
      byte[] copy = Arrays.copyOf(key, key.length);
      keys.put(keyId, new SecretKeySpec(copy, "RAW"));
    }

    /**
     * Builds the ring (the keys are copied; this builder is not changed and can build again).
     *
     * @throws IllegalStateException if no current key was set
     */
    public KeyRing build() {
      Checks.state(currentId != null, "a key ring needs a current key");
      Map<String, SecretKey> ordered = new LinkedHashMap<>();
      ordered.put(currentId, keys.get(currentId));
      ordered.putAll(keys);
      return new KeyRing(currentId, ordered);
    }
  }
}
