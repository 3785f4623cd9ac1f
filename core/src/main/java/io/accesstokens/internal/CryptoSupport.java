package io.accesstokens.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Per-thread cryptographic objects.
 *
 * <p>Randomness: each thread gets its own {@code DRBG} {@link SecureRandom} (NIST SP 800-90A, seeded
 * from the operating system's entropy source when first used). A single shared instance is
 * synchronized and cut minting throughput more than four times under two threads; separate
 * instances never contend, and each is a full CSPRNG on its own, so nothing is weakened: the outputs
 * of independently seeded DRBGs are as unpredictable together as one's are alone.
 *
 * <p>AES-GCM: each thread keeps one {@link Cipher}, initialized afresh (key and a new nonce) for every
 * seal and open. {@code Cipher.getInstance} walks the providers on every call (a tenth of the time
 * of creating a token), and a kept instance also skips re-expanding an unchanged key.
 */
public final class CryptoSupport {
  private CryptoSupport() {}

  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(CryptoSupport::newDrbg);
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(CryptoSupport::newSha256);
  private static final ThreadLocal<Cipher> AES_GCM = ThreadLocal.withInitial(CryptoSupport::newAesGcm);

  /** This thread's CSPRNG. */
  public static SecureRandom random() {
    return RANDOM.get();
  }

  /** This thread's SHA-256, ready for a {@code digest(byte[])} call (which also resets it). */
  public static MessageDigest sha256() {
    return SHA256.get();
  }

  /**
   * This thread's {@code AES/GCM/NoPadding} cipher. Every use must begin with {@code init} (with a
   * fresh nonce when encrypting), which also clears whatever an earlier use, finished or failed, left.
   */
  public static Cipher aesGcm() {
    return AES_GCM.get();
  }

  /** A new HMAC-SHA256 bound to {@code key}. */
  public static Mac hmacSha256(SecretKey key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static SecureRandom newDrbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      // Every JDK 9+ has DRBG; a stripped-down JVM still has the platform default.
      return new SecureRandom();
    }
  }

  private static Cipher newAesGcm() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
