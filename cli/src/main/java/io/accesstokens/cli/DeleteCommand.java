package io.accesstokens.cli;

import io.accesstokens.AccessToken;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.TokenId;
import io.accesstokens.TokenNotFoundException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Delete, after the page's confirmation. */
@Command(
    name = "delete",
    header = "Delete: remove a token, after confirming as the page does.",
    description = {
      "Shows the token and asks for confirmation on standard input (y or yes deletes; anything"
          + " else, or no input at all, keeps the token and exits with 1). --yes skips the"
          + " question."
    })
final class DeleteCommand extends PageCommand {
  @Parameters(paramLabel = "ID", description = "The token's id (the ID column of list).")
  TokenId id;

  @Option(
      names = {"-y", "--yes"},
      description = "Delete without asking.")
  boolean yes;

  /** The token as shown in the question. */
  private @Nullable AccessToken shown;

  /**
   * Shows the token, then asks with the database closed (the embedded one admits one process at a
   * time, and a person may take a while to answer), then deletes in a new session.
   */
  @Override
  public Integer call() {
    try (Session session = open()) {
      shown = session.service().get(session.organization(), id);
      if (yes) {
        return run(session).code();
      }
    }
    if (!confirmed(shown)) {
      return ExitCode.REFUSED.code();
    }
    return super.call();
  }

  @Override
  ExitCode run(Session session) {
    if (session.service().delete(session.organization(), id, session.actor())
        == DeleteOutcome.ALREADY_ABSENT) {
      throw new TokenNotFoundException(session.organization(), id);
    }
    out()
        .println(
            "Deleted access token "
                + (shown == null ? id.toString() : Table.describe(shown))
                + ".");
    return ExitCode.OK;
  }

  private boolean confirmed(AccessToken token) {
    return confirmed(
        "Are you sure you want to delete the access token "
            + Table.describe(token)
            + "? It stops working at once and cannot be restored. [y/N] ",
        "delete",
        "Not deleted");
  }
}
