package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.testing.Figures;
import io.accesstokens.testing.SecretLeakGuard;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the suites that break the connection between a node and a real database share: the node (a
 * service and its validator, which the subclass builds), the administrator's view of the server,
 * what a test opened (closed after it, the last first), the faults it injected (reported for the
 * figures of docs/testing.md), and the course of a page write that a fault fails while it waits for
 * a row lock.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractDatabaseFaultTest {
  protected abstract TestDatabase db();

  ServerSide server;
  TokenService service;
  TokenValidator validator;
  final List<AutoCloseable> closeables = new ArrayList<>();

  /** Faults injected by the last test, for the figures of docs/testing.md. */
  protected int faults;

  @AfterEach
  void closeWhatTheTestOpened() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @AfterEach
  void reportFigures(TestInfo info) {
    Figures.report(this, info, "faults", faults);
  }

  /** What a test does to the connection of a write that waits for a row lock. */
  interface Fault {
    void strike(CompletableFuture<Object> write) throws Exception;
  }

  /** A new token of acme's production, "before", validated once (so the validator caches it). */
  IssuedToken cachedToken() {
    IssuedToken token = create(service, ACME, PROD, "before", ALICE);
    assertValid(token);
    return token;
  }

  /**
   * Starts {@code write} on {@code token} while a connection of the server's own holds the token's
   * row, so the write waits for the lock; lets {@code fault} strike it, and returns what the write
   * threw, the row's holder rolled back.
   */
  Throwable writeFailedBy(PageWrite write, IssuedToken token, Fault fault) throws Exception {
    try (Connection holder = server.lockRow(token.id())) {
      CompletableFuture<Object> call =
          CompletableFuture.supplyAsync(() -> write.on(service, token.id()));
      fault.strike(call);

      Throwable failure = catchThrowable(() -> call.get(30, TimeUnit.SECONDS));
      holder.rollback();
      return failure;
    }
  }

  /**
   * Asserts that the failed write stored nothing and that {@code token} still validates (neither
   * lost nor deactivated: the write failed as a whole); returns the answer of the write made again.
   */
  Object assertNothingWritten_thenRetry(PageWrite write, IssuedToken token) {
    assertThat(service.get(ACME, token.id())).as("nothing was written").isEqualTo(token.token());
    assertValid(token);
    return write.on(service, token.id());
  }

  void assertValid(IssuedToken token) {
    Nodes.assertValid(validator, token);
  }

  void assertRefused(IssuedToken token, ErrorCode code) {
    assertThat(Nodes.refusal(validator, token.value().reveal()).errorCode()).isEqualTo(code);
  }
}
