package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.internal.TokenMint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The stamp a hit compares (issue 14): the answer's expiry, or the earlier time its token's next
 * use is due to be recorded; moved on by one compare-and-set per interval, never past the expiry.
 */
class CachedAnswerTest {
  private static final long EXPIRES_AT = 60_000;
  private static final long INTERVAL = 10_000;

  private static CachedAnswer answer(boolean active, boolean entitled) {
    TokenId id = TokenMint.newId();
    ValidatedToken token =
        new ValidatedToken(id, OrganizationId.of("acme"), EnvironmentId.of("prod"), Scope.EDI);
    return new CachedAnswer(
        TokenMint.newValue(id), token, active, false, entitled, EXPIRES_AT, 0, 0, false);
  }

  @Test
  void theRetirement_isClaimedOnce_untilReleasedAfterAFailure() {
    CachedAnswer successor = answer(true, true);
    assertThat(successor.claimRetirement()).isTrue();
    assertThat(successor.claimRetirement()).as("one retirement at a time").isFalse();
    successor.releaseRetirement();
    assertThat(successor.claimRetirement()).as("a later hit tries again").isTrue();
  }

  @Test
  void aNewAnswer_isHitUntilItsExpiry() {
    assertThat(answer(true, true).hitUntil()).isEqualTo(EXPIRES_AT);
  }

  @Test
  void firstUseDueAt_beforeTheExpiry_becomesTheStamp_atOrAfterItChangesNothing() {
    CachedAnswer due = answer(true, true);
    due.firstUseDueAt(1_000);
    assertThat(due.hitUntil()).isEqualTo(1_000);

    CachedAnswer late = answer(true, true);
    late.firstUseDueAt(EXPIRES_AT);
    assertThat(late.hitUntil()).isEqualTo(EXPIRES_AT);
    late.firstUseDueAt(EXPIRES_AT + 1);
    assertThat(late.hitUntil()).isEqualTo(EXPIRES_AT);
  }

  @Test
  void firstUseDueAt_ofAnAnswerThatAlwaysRefuses_changesNothing() {
    CachedAnswer inactive = answer(false, true);
    inactive.firstUseDueAt(1_000);
    CachedAnswer notEntitled = answer(true, false);
    notEntitled.firstUseDueAt(1_000);

    assertThat(inactive.hitUntil()).isEqualTo(EXPIRES_AT);
    assertThat(notEntitled.hitUntil()).isEqualTo(EXPIRES_AT);
  }

  @Test
  void claimUse_movesTheStampAnIntervalOn_onceFromTheStampSeen() {
    CachedAnswer answer = answer(true, true);
    answer.firstUseDueAt(1_000);

    assertThat(answer.claimUse(1_000, 1_500, INTERVAL)).isTrue();
    assertThat(answer.hitUntil()).isEqualTo(11_500);
    assertThat(answer.claimUse(1_000, 1_600, INTERVAL)).as("already moved by another").isFalse();
    assertThat(answer.hitUntil()).isEqualTo(11_500);
  }

  @Test
  void claimUse_neverMovesTheStampPastTheExpiry() {
    CachedAnswer answer = answer(true, true);
    answer.firstUseDueAt(EXPIRES_AT - 1);

    assertThat(answer.claimUse(EXPIRES_AT - 1, EXPIRES_AT - 1, INTERVAL)).isTrue();
    assertThat(answer.hitUntil()).isEqualTo(EXPIRES_AT);
  }

  /** Of the hits that find the same use due at once, exactly one claims it, round after round. */
  @Test
  void claimUse_racedByManyThreads_isWonByExactlyOne() throws Exception {
    int threads = 8;
    int rounds = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CachedAnswer answer = answer(true, true);
      answer.firstUseDueAt(0);
      for (int round = 0; round < rounds; round++) {
        long seen = answer.hitUntil();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> claims = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long now = seen + t; // each at its own time past the due one
          claims.add(
              pool.submit(
                  () -> {
                    go.await();
                    return answer.claimUse(seen, now, 100);
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> claim : claims) {
          won += claim.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(won).as("claims won in round %d", round).isEqualTo(1);
        assertThat(answer.hitUntil()).isBetween(seen + 100, seen + 100 + threads - 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
