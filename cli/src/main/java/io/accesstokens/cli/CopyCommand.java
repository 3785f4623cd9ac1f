package io.accesstokens.cli;

import io.accesstokens.TokenId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Copy: the full value, for the clipboard. */
@Command(
    name = "copy",
    header = "Copy: print a token's full value.",
    description = {
      "Prints the value alone on standard output, for example into a clipboard tool"
          + " (access-tokens copy ID | xclip). Needs the copy key the token was created under."
    })
final class CopyCommand extends PageCommand {
  @Parameters(paramLabel = "ID", description = "The token's id (the ID column of list).")
  TokenId id;

  @Override
  CopyKeys.Use keyUse() {
    return CopyKeys.Use.OPEN;
  }

  @Override
  ExitCode run(Session session) {
    out().println(session.service().copy(session.organization(), id, session.actor()).reveal());
    return ExitCode.OK;
  }
}
