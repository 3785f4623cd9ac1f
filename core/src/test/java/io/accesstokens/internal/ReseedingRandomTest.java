package io.accesstokens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Randomness;
import io.accesstokens.TokenId;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The per-thread generators reseed themselves, and a host's call after a restore reaches every
 * thread. A restored snapshot is modelled by two generators in the same state: SHA1PRNG seeded
 * before its first use is deterministic, so two such instances are two copies of one snapshot.
 */
class ReseedingRandomTest {
  private static final byte[] SNAPSHOT_SEED = HexFormat.of().parseHex("5eed5eed5eed5eed");

  private static SecureRandom inTheSnapshotsState() {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(SNAPSHOT_SEED);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] nonce(SecureRandom random) {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    return nonce;
  }

  @Test
  void twoCopiesOfOneSnapshot_mintTheSameValuesAndNonces_untilThePublicCallReseedsOne() {
    AtomicLong clock = new AtomicLong(1_000);
    // The copy that nobody told: a JVM of its own, so it never sees this JVM's epoch move.
    ReseedingRandom untold =
        new ReseedingRandom(inTheSnapshotsState(), () -> 0, clock::get, 1L << 16, 60_000);
    ReseedingRandom restored =
        new ReseedingRandom(
            inTheSnapshotsState(), CryptoSupport::reseedEpoch, clock::get, 1L << 16, 60_000);
    TokenId id = new TokenId(7);

    assertThat(TokenMint.newValue(id, restored.next()))
        .as("copies of one state mint alike")
        .isEqualTo(TokenMint.newValue(id, untold.next()));
    assertThat(nonce(restored.next())).isEqualTo(nonce(untold.next()));

    Randomness.reseedAll();

    assertThat(TokenMint.newValue(id, restored.next()))
        .isNotEqualTo(TokenMint.newValue(id, untold.next()));
    assertThat(restored.reseeds()).isEqualTo(1);
    assertThat(untold.reseeds()).isZero();
    Set<String> untoldNonces = new HashSet<>();
    Set<String> restoredNonces = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      untoldNonces.add(HexFormat.of().formatHex(nonce(untold.next())));
      restoredNonces.add(HexFormat.of().formatHex(nonce(restored.next())));
    }
    assertThat(untoldNonces).hasSize(10_000);
    assertThat(restoredNonces).hasSize(10_000).doesNotContainAnyElementsOf(untoldNonces);
  }

  @Test
  void aGenerator_reseedsAfterItsDraws_andWhenTheWallClockStepsEitherWay() {
    AtomicLong clock = new AtomicLong(1_000);
    ReseedingRandom random =
        new ReseedingRandom(inTheSnapshotsState(), () -> 0, clock::get, 3, 60_000);

    for (int i = 0; i < 3; i++) {
      random.next();
    }
    assertThat(random.reseeds()).as("within its draws").isZero();
    random.next();
    assertThat(random.reseeds()).as("the fourth use").isEqualTo(1);

    clock.addAndGet(59_999);
    random.next();
    assertThat(random.reseeds()).isEqualTo(1);
    clock.addAndGet(1);
    random.next();
    assertThat(random.reseeds()).as("a minute after the last reseed").isEqualTo(2);

    clock.addAndGet(-60_000);
    random.next();
    assertThat(random.reseeds()).as("the clock stepped back a minute").isEqualTo(3);
  }

  @Test
  void aReseed_changesTheStream_ofAGeneratorInAKnownState() {
    ReseedingRandom reseeded =
        new ReseedingRandom(inTheSnapshotsState(), () -> 0, () -> 0, 0, 60_000);
    SecureRandom same = inTheSnapshotsState();

    assertThat(nonce(reseeded.next()))
        .as("reseeded before its first use")
        .isNotEqualTo(nonce(same));
  }

  @Test
  void thePublicCall_reachesTheGeneratorsOfOtherThreads_andThisOne() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      long before = reseedsOf(other);
      CryptoSupport.random();
      long mineBefore = CryptoSupport.reseedsOfThisThread();

      Randomness.reseedAll();

      long after = reseedsOf(other);
      CryptoSupport.random();
      assertThat(after).as("the other thread's generator").isEqualTo(before + 1);
      assertThat(CryptoSupport.reseedsOfThisThread()).as("this thread's").isEqualTo(mineBefore + 1);
    } finally {
      other.shutdownNow();
    }
  }

  /** How often the generator of {@code thread}'s one thread has been reseeded (making it first). */
  private static long reseedsOf(ExecutorService thread) throws Exception {
    return thread
        .submit(
            () -> {
              CryptoSupport.random();
              return CryptoSupport.reseedsOfThisThread();
            })
        .get();
  }
}
