package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.RefusalCause;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatedToken;
import io.accesstokens.testing.LongVariants;
import io.accesstokens.testing.SecretLeakGuard;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A validator's cache load in flight while the token is deactivated or deleted, with the change
 * made for real on the database by another connection: the load must never put its old "valid"
 * answer back. First deterministically (the database runs the lookup, reading the token active, and
 * its answer is held back until the change has committed and returned), then as an open race
 * repeated many times with no hook at all.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractInFlightLookupTest {
  protected abstract TestDatabase db();

  private HeldAnswerDataSource held;
  private TokenService service;
  private TokenValidator validator;
  private ExecutorService threads;

  @BeforeEach
  void buildTheNode() {
    db().emptyStore();
    held = new HeldAnswerDataSource(db().newPool(4), "WHERE digest = ?");
    JdbcTokenStore store =
        JdbcTokenStore.builder(held).dialect(db().dialect()).tablePrefix(db().prefix()).build();
    service = Nodes.service(store, CopyPolicy.ephemeral());
    validator = TokenValidator.builder(service).build();
    threads = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void closeTheNode() {
    validator.close();
    threads.shutdownNow();
  }

  enum Change {
    DEACTIVATE(RefusalCause.INACTIVE),
    DELETE(RefusalCause.UNKNOWN);

    final RefusalCause refusal;

    Change(RefusalCause refusal) {
      this.refusal = refusal;
    }

    void on(TokenService service, IssuedToken token) {
      switch (this) {
        case DEACTIVATE ->
            assertThat(service.deactivate(ACME, token.id(), ALICE).status())
                .isEqualTo(TokenStatus.INACTIVE);
        case DELETE ->
            assertThat(service.delete(ACME, token.id(), ALICE)).isEqualTo(DeleteOutcome.DELETED);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Change.class)
  void aLookupThatReadTheTokenActive_andAnswersAfterItWasChanged_cannotPutTheOldAnswerBack(
      Change change) throws Exception {
    IssuedToken token = create(service, ACME, PROD, null, ALICE);
    HeldAnswerDataSource.Hold hold = held.holdNext();
    CompletableFuture<ValidatedToken> inFlight =
        CompletableFuture.supplyAsync(() -> validate(token), threads);
    assertThat(hold.answered.await(30, TimeUnit.SECONDS))
        .as("the database ran the lookup")
        .isTrue();

    change.on(
        service, token); // another connection, committed, evicted: all before the lookup answers
    hold.release.countDown();

    // The load read the token active before the change: its own caller may be told so (the calls
    // overlapped), but the answer must not be kept.
    assertThat(inFlight.get(30, TimeUnit.SECONDS).id())
        .as("the held lookup read the token active")
        .isEqualTo(token.id());
    long lookups = validator.stats().storeLookups();
    assertRefused(token, change.refusal);
    assertThat(validator.stats().storeLookups())
        .as("the stale answer was not cached")
        .isEqualTo(lookups + 1);
    assertRefused(token, change.refusal);
  }

  /**
   * No hook: a validation and a change start together, again and again; afterwards the token is
   * refused.
   */
  @ParameterizedTest
  @EnumSource(Change.class)
  void aValidationRacingAChange_neverLeavesTheTokenValid(Change change) throws Exception {
    int rounds = LongVariants.scaled(100);
    int overlapped = 0;
    for (int round = 0; round < rounds; round++) {
      IssuedToken token = create(service, ACME, PROD, null, ALICE);
      CyclicBarrier start = new CyclicBarrier(2);
      CompletableFuture<Long> validation =
          CompletableFuture.supplyAsync(
              () -> {
                await(start);
                try {
                  validate(token);
                  return System.nanoTime(); // accepted: when its answer came back
                } catch (ConnectionOpenException e) {
                  assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
                  return Long.MIN_VALUE;
                }
              },
              threads);
      CompletableFuture<Long> changed =
          CompletableFuture.supplyAsync(
              () -> {
                await(start);
                change.on(service, token);
                return System.nanoTime();
              },
              threads);
      long accepted = validation.get(30, TimeUnit.SECONDS);
      long changeReturned = changed.get(30, TimeUnit.SECONDS);
      if (accepted != Long.MIN_VALUE && accepted - changeReturned > 0) {
        overlapped++; // read active, answered after the change had committed and evicted
      }
      assertRefused(token, change.refusal);
    }
    LoggerFactory.getLogger("io.accesstokens.figures")
        .info(
            "{} {} races with a {}: {} lookups read the token valid and"
                + " answered after the change had returned",
            db().kind(),
            rounds,
            change,
            overlapped);
  }

  private ValidatedToken validate(IssuedToken token) {
    return validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
  }

  private void assertRefused(IssuedToken token, RefusalCause cause) {
    long before = validator.stats().refusals(cause);
    Throwable t = catchThrowable(() -> validate(token));
    assertThat(t).as("validation after the change").isInstanceOf(ConnectionOpenException.class);
    assertThat(((ConnectionOpenException) t).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(validator.stats().refusals(cause)).isEqualTo(before + 1);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
