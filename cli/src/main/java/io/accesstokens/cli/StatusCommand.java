package io.accesstokens.cli;

import io.accesstokens.AccessToken;
import io.accesstokens.EnvironmentId;
import io.accesstokens.TokenId;
import io.accesstokens.TokenStatus;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** The Status toggle, as two commands. */
abstract class StatusCommand extends PageCommand {
  abstract TokenStatus target();

  /** Sets one token's status, saying whether it changed. */
  ExitCode toggle(Session session, TokenId id) {
    AccessToken before = session.service().get(session.organization(), id);
    AccessToken after =
        session.service().setStatus(session.organization(), id, target(), session.actor());
    String status = Table.status(after.status());
    if (before.status() == target() && after.version() == before.version()) {
      out().println("Access token " + Table.describe(after) + " was already " + status + ".");
    } else if (target() == TokenStatus.INACTIVE) {
      out()
          .println(
              "Access token "
                  + Table.describe(after)
                  + " is now Inactive: EDI connections"
                  + " with it fail with INVALID_TOKEN.");
    } else {
      out().println("Access token " + Table.describe(after) + " is now Active.");
    }
    return ExitCode.OK;
  }

  @Command(name = "activate", header = "Status toggle: set a token Active, so it validates again.")
  static final class Activate extends StatusCommand {
    @Parameters(paramLabel = "ID", description = "The token's id (the ID column of list).")
    TokenId id;

    @Override
    TokenStatus target() {
      return TokenStatus.ACTIVE;
    }

    @Override
    ExitCode run(Session session) {
      return toggle(session, id);
    }
  }

  @Command(
      name = "deactivate",
      header = "Status toggle: set a token Inactive, so the EDI connector refuses it.",
      description = {
        "For a leaked token: from now on it fails validation with INVALID_TOKEN. Validators of"
            + " other processes that cache answers stop accepting it within their expiry (60 s by"
            + " default). activate undoes it; delete removes the token.",
        "",
        "For an incident: --all deactivates every active token of the organization (--env: of"
            + " one environment), after showing how many and asking on standard input as delete"
            + " does (y or yes deactivates; anything else, or no input, exits with 1); --yes skips"
            + " the question, --dry-run only prints the count."
      })
  static final class Deactivate extends StatusCommand {
    @Parameters(
        arity = "0..1",
        paramLabel = "ID",
        description = "The token's id (the ID column of list); none with --all.")
    @Nullable TokenId id;

    @Option(names = "--all", description = "Every active token of the organization (or --env).")
    boolean all;

    @Option(
        names = "--env",
        paramLabel = "ENV",
        description = "With --all: only this environment's tokens.")
    @Nullable EnvironmentId environment;

    @Option(names = "--dry-run", description = "With --all: print how many, change nothing.")
    boolean dryRun;

    @Option(
        names = {"-y", "--yes"},
        description = "With --all: deactivate without asking.")
    boolean yes;

    /** The count the question showed. */
    private long count;

    @Override
    TokenStatus target() {
      return TokenStatus.INACTIVE;
    }

    @Override
    public Integer call() {
      if (!all) {
        if (id == null) {
          throw new ParameterException(
              spec.commandLine(), "missing the token's ID (or --all for every token)");
        }
        if (environment != null || dryRun || yes) {
          throw new ParameterException(
              spec.commandLine(), "--env, --dry-run and --yes go with --all only");
        }
        return super.call();
      }
      if (id != null) {
        throw new ParameterException(spec.commandLine(), "give either an ID or --all, not both");
      }
      String what;
      try (Session session = open()) {
        count =
            session
                .service()
                .deactivateAll(session.organization(), environment, session.actor(), true);
        what = what(session);
        if (dryRun) {
          out().println("Would deactivate " + count + " active access tokens " + what + ".");
          return ExitCode.OK.code();
        }
        if (count == 0) {
          out().println("No active access tokens " + what + ".");
          return ExitCode.OK.code();
        }
        if (yes) {
          return run(session).code();
        }
      }
      if (!confirmed(what)) {
        return ExitCode.REFUSED.code();
      }
      return super.call();
    }

    private String what(Session session) {
      return "in organization "
          + session.organization()
          + (environment == null ? "" : ", environment " + environment);
    }

    @Override
    ExitCode run(Session session) {
      if (!all) {
        return toggle(session, java.util.Objects.requireNonNull(id));
      }
      long done =
          session
              .service()
              .deactivateAll(session.organization(), environment, session.actor(), false);
      out()
          .println(
              "Deactivated "
                  + done
                  + " access tokens "
                  + what(session)
                  + ": EDI connections with them fail with INVALID_TOKEN.");
      return ExitCode.OK;
    }

    private boolean confirmed(String what) {
      return confirmed(
          "Are you sure you want to deactivate all "
              + count
              + " active access tokens "
              + what
              + "? EDI connections with them fail at once. [y/N] ",
          "deactivate",
          "Not deactivated");
    }
  }
}
