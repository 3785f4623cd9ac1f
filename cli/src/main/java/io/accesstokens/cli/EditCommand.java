package io.accesstokens.cli;

import io.accesstokens.AccessToken;
import io.accesstokens.TokenId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Edit: the description, and nothing else. */
@Command(
    name = "edit",
    header = "Edit: change a token's description.",
    description = "Only the description changes. An empty description removes it.")
final class EditCommand extends PageCommand {
  @Parameters(paramLabel = "ID", description = "The token's id (the ID column of list).")
  TokenId id;

  @Option(
      names = "--description",
      required = true,
      paramLabel = "TEXT",
      converter = Console.Text.class,
      description =
          "The new description: at most 256 characters, no control characters; \"\" removes it.")
  String description;

  @Override
  ExitCode run(Session session) {
    AccessToken token =
        session.service().editDescription(session.organization(), id, description, session.actor());
    out()
        .println(
            token.description() == null
                ? "Removed the description of access token " + Table.describe(token) + "."
                : "Set the description of access token " + Table.describe(token) + ".");
    return ExitCode.OK;
  }
}
