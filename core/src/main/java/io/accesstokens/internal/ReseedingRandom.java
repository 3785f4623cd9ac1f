package io.accesstokens.internal;

import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * One thread's CSPRNG and when it last took fresh entropy from the operating system. It reseeds
 * itself before a use when any of three things happened since its last reseed: {@code maxDraws}
 * uses, a step of {@code maxMillis} or more of the wall clock (forward or back), or a change of the
 * global reseed epoch ({@link CryptoSupport#reseedEveryThread}).
 *
 * <p>Why each: the draw count bounds how many values one seed produces; the wall clock is what
 * jumps when a JVM is restored from a snapshot taken a while ago, so such a JVM reseeds on first
 * use even if nobody told it; the epoch lets a host that knows it was restored (or cloned) make
 * every thread reseed at once, whatever the time.
 *
 * <p>A reseed is {@code random.setSeed(random.generateSeed(n))}: {@code generateSeed} reads the
 * JDK's seed source (the operating system: {@code securerandom.source}, {@code /dev/random} on
 * Linux, read afresh on every call), and {@code setSeed} mixes those bytes into the generator's
 * state, supplementing it, never replacing it. Plain {@code SecureRandom.reseed()} would not do: a
 * DRBG without prediction resistance reseeds from a DRBG shared by the whole JVM, which a snapshot
 * copies too.
 *
 * <p>Not thread-safe: each thread has its own.
 */
final class ReseedingRandom {
  /** Bytes of operating-system entropy per reseed: 256 bits, the DRBG's highest strength. */
  static final int SEED_BYTES = 32;

  private final SecureRandom random;
  private final LongSupplier epoch;
  private final LongSupplier wallMillis;
  private final long maxDraws;
  private final long maxMillis;
  private long seenEpoch;
  private long reseededAt;
  private long draws;
  private long reseeds;

  ReseedingRandom(
      SecureRandom random,
      LongSupplier epoch,
      LongSupplier wallMillis,
      long maxDraws,
      long maxMillis) {
    this.random = random;
    this.epoch = epoch;
    this.wallMillis = wallMillis;
    this.maxDraws = maxDraws;
    this.maxMillis = maxMillis;
    this.seenEpoch = epoch.getAsLong();
    this.reseededAt = wallMillis.getAsLong();
  }

  /** The generator, for one use (one value, one id, one nonce), reseeded first if that is due. */
  SecureRandom next() {
    long currentEpoch = epoch.getAsLong();
    long now = wallMillis.getAsLong();
    if (++draws > maxDraws
        || currentEpoch != seenEpoch
        || Math.abs(now - reseededAt) >= maxMillis) {
      random.setSeed(random.generateSeed(SEED_BYTES));
      seenEpoch = currentEpoch;
      reseededAt = now;
      draws = 1;
      reseeds++;
    }
    return random;
  }

  /** How many times this generator reseeded itself. */
  long reseeds() {
    return reseeds;
  }
}
