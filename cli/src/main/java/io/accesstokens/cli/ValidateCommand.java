package io.accesstokens.cli;

import io.accesstokens.ConnectionOpenException;
import io.accesstokens.ConnectionSource;
import io.accesstokens.EnvironmentId;
import io.accesstokens.ErrorCode;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatedToken;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What the EDI connector does when it opens a connection. */
@Command(
    name = "validate",
    header = "Validate a token read from standard input, as the EDI connector does.",
    description = {
      "Reads one line from standard input (typed without echo at a terminal) and prints the outcome"
          + " on standard output: the token when it is valid (exit 0), or exactly the connector's"
          + " error, Error opening connection. Exception is: Error code: INVALID_TOKEN (exit 1;"
          + " STORE_UNAVAILABLE exits with 5)."
    })
final class ValidateCommand extends PageCommand {
  /** Longer than any token, short enough that a runaway pipe is refused quickly. */
  private static final int MAX_INPUT = 4096;

  /** How long the command waits for its background work (a retirement's write) before exiting. */
  private static final Duration BACKGROUND_WAIT = Duration.ofSeconds(30);

  @Option(
      names = "--env",
      required = true,
      paramLabel = "ENV",
      description = "The environment of the connection.")
  EnvironmentId environment;

  @Option(
      names = "--from",
      paramLabel = "ADDRESS",
      description =
          "The connection's source address, as a connector that knows it passes it (for example"
              + " 10.0.0.7): list shows it in Last used beside the time. Printable ASCII, at most"
              + " 255 characters.")
  @Nullable ConnectionSource from;

  private String presented = "";

  /**
   * The token is read before the database is opened, so that a prompt waiting for it holds no lock.
   */
  @Override
  void beforeOpening(ConsoleConfig config, OrganizationId organization) {
    String line = terminal().readSecret("Token (not echoed): ", MAX_INPUT);
    if (line == null) {
      throw new ConsoleException(ExitCode.USAGE, "no token on standard input");
    }
    presented = line;
  }

  @Override
  ExitCode run(Session session) {
    // Lookups, and the retirement of a predecessor on its successor's first use, run on a thread of
    // this command's own, which it waits for before it exits: a retirement the validation started
    // is then written (or has failed) when the command returns, not cut off by the process's exit.
    ExecutorService background =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "access-tokens-validate");
              t.setDaemon(true);
              return t;
            });
    try {
      return validate(session, background);
    } finally {
      background.shutdown();
      try {
        if (!background.awaitTermination(BACKGROUND_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
          err().println("access-tokens validate: background work still running; exiting anyway");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private ExitCode validate(Session session, ExecutorService background) {
    // Records the use, which close() flushes: list then shows it in Last used, as for the
    // connector's validations.
    try (TokenValidator validator =
        TokenValidator.builder(session.service())
            .recordLastUsed(true)
            .lookupExecutor(background)
            .build()) {
      ValidatedToken valid =
          validator.validate(
              presented.strip(), Scope.EDI, session.organization(), environment, from);
      out()
          .println(
              "Valid: access token "
                  + valid.id()
                  + " of organization "
                  + valid.organization()
                  + ", environment "
                  + valid.environment()
                  + ", scope "
                  + valid.scope()
                  + ".");
      return ExitCode.OK;
    } catch (ConnectionOpenException e) {
      out().println(e.getMessage());
      return e.errorCode() == ErrorCode.INVALID_TOKEN
          ? ExitCode.REFUSED
          : ExitCode.STORE_UNAVAILABLE;
    }
  }
}
