package io.accesstokens.cli;

import io.accesstokens.AccessToken;
import io.accesstokens.TokenId;
import io.accesstokens.TokenStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The Status toggle, as two commands. */
abstract class StatusCommand extends PageCommand {
  @Parameters(paramLabel = "ID", description = "The token's id (the ID column of list).")
  TokenId id;

  abstract TokenStatus target();

  @Override
  ExitCode run(Session session) {
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
    @Override
    TokenStatus target() {
      return TokenStatus.ACTIVE;
    }
  }

  @Command(
      name = "deactivate",
      header = "Status toggle: set a token Inactive, so the EDI connector refuses it.",
      description = {
        "For a leaked token: from now on it fails validation with INVALID_TOKEN. Validators of"
            + " other processes that cache answers stop accepting it within their expiry (60 s by"
            + " default). activate undoes it; delete removes the token."
      })
  static final class Deactivate extends StatusCommand {
    @Override
    TokenStatus target() {
      return TokenStatus.INACTIVE;
    }
  }
}
