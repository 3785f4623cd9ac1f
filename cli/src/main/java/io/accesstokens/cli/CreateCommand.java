package io.accesstokens.cli;

import io.accesstokens.EnvironmentId;
import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.NotEntitledException;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.UnknownEnvironmentException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Add Token: Environment, Description, Submit. */
@Command(
    name = "create",
    header = "Add Token: create an active EDI token in an environment, and print its value.",
    description = {
      "Prints the new token's full value on standard output, alone on its line (what it is, on"
          + " standard error), so TOKEN=$(access-tokens create --env E) keeps just the value.",
      "The value is sealed under the copy key so that copy can show it again; without a key"
          + " (ACCESS_TOKENS_KEY, --key-file) the first create makes copy.key in the home."
    })
final class CreateCommand extends PageCommand {
  @Option(
      names = "--env",
      required = true,
      paramLabel = "ENV",
      description = "The environment, one of the organization's (see env list).")
  EnvironmentId environment;

  @Option(
      names = "--description",
      paramLabel = "TEXT",
      converter = Console.Text.class,
      description = "Optional: at most 256 characters, no control characters.")
  @Nullable String description;

  @Option(
      names = "--expires-in",
      paramLabel = "LIFETIME",
      converter = Console.Lifetime.class,
      description =
          "Optional: the token stops validating this long after it is created, for example 90d,"
              + " 12h, 30m or an ISO-8601 duration (P90D). Default: never expires.")
  @Nullable Duration expiresIn;

  @Option(
      names = "--new-key",
      description =
          "Make a new copy key although the database holds values sealed under another one (its key"
              + " file was lost, or this home is a second one on the same database): those tokens"
              + " keep validating, but copy cannot show them again. Refused when there is a key.")
  boolean newKey;

  @Override
  CopyKeys.Use keyUse() {
    return CopyKeys.Use.CREATE;
  }

  @Override
  boolean newKey() {
    return newKey;
  }

  /** So that the first create of a console makes no copy key when it is going to be refused. */
  @Override
  void beforeOpening(ConsoleConfig config, OrganizationId organization) {
    if (!config.entitlements().isEntitled(organization, Scope.EDI)) {
      throw new NotEntitledException(organization, Scope.EDI);
    }
    if (!config.environments().contains(organization, environment)) {
      throw unknownEnvironment(
          new UnknownEnvironmentException(organization, environment), organization);
    }
  }

  @Override
  ExitCode run(Session session) {
    IssuedToken issued;
    try {
      issued =
          session
              .service()
              .create(
                  session.organization(),
                  environment,
                  description,
                  expiresIn == null ? Expiry.never() : Expiry.after(expiresIn),
                  session.actor());
    } catch (UnknownEnvironmentException e) {
      throw unknownEnvironment(e, session.organization());
    }
    err()
        .println(
            "Created access token "
                + Table.describe(issued.token())
                + " in organization "
                + session.organization()
                + ". Its value follows; keep it secret (copy "
                + issued.id()
                + " shows it again):");
    err().flush();
    out().println(issued.value().reveal());
    return ExitCode.OK;
  }

  private ConsoleException unknownEnvironment(
      UnknownEnvironmentException e, OrganizationId organization) {
    return new ConsoleException(
        ExitCode.NOT_ENTITLED,
        e.getMessage()
            + " in "
            + root.configFile()
            + "; add it with: access-tokens env add --org "
            + organization
            + " "
            + environment,
        e);
  }
}
