package io.accesstokens.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Per-thread cryptographic objects.
 *
 * <p>Randomness: each thread gets its own {@code DRBG} {@link SecureRandom} (NIST SP 800-90A,
 * seeded from the operating system's entropy source when first used). A single shared instance is
 * synchronized and cut minting throughput more than four times under two threads; separate
 * instances never contend, and each is a full CSPRNG on its own, so nothing is weakened: the
 * outputs of independently seeded DRBGs are as unpredictable together as one's are alone.
 *
 * <p>Each reseeds itself from the operating system ({@link ReseedingRandom}) every {@value
 * #RESEED_AFTER_DRAWS} uses, on its first use after the wall clock moved {@value
 * #RESEED_AFTER_MILLIS} ms or more since its last reseed, and on its first use after {@link
 * #reseedEveryThread()}. A JVM restored from a snapshot (CRaC, SnapStart, a cloned VM) would
 * otherwise mint the values and AES-GCM nonces the snapshot's generators were about to, in every
 * copy. The defaults: a reseed reads 32 bytes from the operating system, a few microseconds, so one
 * per 65,536 values (at least 0.5 s of minting on one thread) costs under 0.01%; once a minute
 * bounds how long a generator runs on one seed, and covers a restore from any snapshot older than a
 * minute without the host's call.
 *
 * <p>AES-GCM: each thread keeps one {@link Cipher}, initialized afresh (key and a new nonce) for
 * every seal and open. {@code Cipher.getInstance} walks the providers on every call (a tenth of the
 * time of creating a token), and a kept instance also skips re-expanding an unchanged key.
 */
public final class CryptoSupport {
  private CryptoSupport() {}

  /** Uses of a thread's generator after which it reseeds itself. */
  public static final long RESEED_AFTER_DRAWS = 1L << 16;

  /** Wall-clock time after which a thread's generator reseeds itself on its next use. */
  public static final long RESEED_AFTER_MILLIS = 60_000;

  /** Moved by {@link #reseedEveryThread()}; each thread's generator compares it on every use. */
  private static final AtomicLong RESEED_EPOCH = new AtomicLong();

  private static final ThreadLocal<ReseedingRandom> RANDOM =
      ThreadLocal.withInitial(
          () ->
              new ReseedingRandom(
                  newDrbg(),
                  RESEED_EPOCH::get,
                  System::currentTimeMillis,
                  RESEED_AFTER_DRAWS,
                  RESEED_AFTER_MILLIS));
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(CryptoSupport::newSha256);
  private static final ThreadLocal<Cipher> AES_GCM =
      ThreadLocal.withInitial(CryptoSupport::newAesGcm);

  /**
   * This thread's CSPRNG, for one use (a value, an id, a nonce, a key): reseeded first when that is
   * due. Call this for each use rather than keeping the instance.
   */
  public static SecureRandom random() {
    return RANDOM.get().next();
  }

  /**
   * Makes every thread's generator reseed itself from the operating system before its next use (the
   * public entry is {@link io.accesstokens.Randomness#reseedAll()}).
   */
  public static void reseedEveryThread() {
    RESEED_EPOCH.incrementAndGet();
  }

  /** The reseed epoch, which {@link #reseedEveryThread()} moves. */
  static long reseedEpoch() {
    return RESEED_EPOCH.get();
  }

  /** How many times this thread's generator reseeded itself (for tests). */
  static long reseedsOfThisThread() {
    return RANDOM.get().reseeds();
  }

  /** This thread's SHA-256, ready for a {@code digest(byte[])} call (which also resets it). */
  public static MessageDigest sha256() {
    return SHA256.get();
  }

  /**
   * This thread's {@code AES/GCM/NoPadding} cipher. Every use must begin with {@code init} (with a
   * fresh nonce when encrypting), which also clears whatever an earlier use, finished or failed,
   * left.
   */
  public static Cipher aesGcm() {
    return AES_GCM.get();
  }

  /** A new HMAC-SHA256 bound to {@code key}. */
  public static Mac hmacSha256(SecretKey key) {
    return required(
        "HmacSHA256",
        () -> {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(key);
          return mac;
        });
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
    return required("AES-GCM", () -> Cipher.getInstance("AES/GCM/NoPadding"));
  }

  private static MessageDigest newSha256() {
    return required("SHA-256", () -> MessageDigest.getInstance("SHA-256"));
  }

  /**
   * What {@code make} makes from an algorithm every JVM this library supports has (the JCA requires
   * it): one that fails means a broken JVM, which no caller can handle, so it is an {@link
   * IllegalStateException} naming the algorithm.
   */
  private static <T> T required(String algorithm, JcaFactory<T> make) {
    try {
      return make.make();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available in this JVM", e);
    }
  }

  /** Makes a JCA object, which may throw what the JCA's factories do. */
  @FunctionalInterface
  private interface JcaFactory<T> {
    T make() throws GeneralSecurityException;
  }
}
