package io.accesstokens.cli;

import io.accesstokens.EnvironmentId;
import io.accesstokens.PageCursor;
import io.accesstokens.TokenPage;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenStatus;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The table: Token (masked), Status, Environment, Description, Scope, Expires, Last used. */
@Command(
    name = "list",
    header = "The table: the organization's tokens, oldest first, with masked values.",
    description = {
      "Columns: ID (what the other commands take), Token (masked: atk_ and the id, nothing of the"
          + " secret; the full value comes only from create and copy), Status, Environment,"
          + " Description, Scope, Expires (Never, the expiry in UTC, or Expired once it has passed;"
          + " Status stays Active or Inactive), Last used (Never, or when a validator last accepted"
          + " it, in UTC, at most one flush interval behind, followed by from and the connection's"
          + " source address when the validating host passed one), and Rotated from (the id of the"
          + " token a row succeeded by rotate) when a row of the page has one.",
      "When more rows follow, the last line gives the --after cursor of the next page."
    })
final class ListCommand extends PageCommand {
  @Option(names = "--env", paramLabel = "ENV", description = "Only tokens of this environment.")
  @Nullable EnvironmentId environment;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "Only ${COMPLETION-CANDIDATES} tokens.")
  @Nullable TokenStatus status;

  @Option(
      names = "--expiring-within",
      paramLabel = "LIFETIME",
      converter = Console.Lifetime.class,
      description =
          "Only tokens that expire within this time from now and have not expired yet, for example"
              + " 30d (units d, h, m, or ISO-8601 P30D).")
  @Nullable Duration expiringWithin;

  @Option(
      names = "--unused-since",
      paramLabel = "PERIOD",
      converter = Console.Lifetime.class,
      description =
          "Only tokens not used for this long: last used before now minus the period, or never used"
              + " and created before it; for example 90d (units d, h, m, or ISO-8601 P90D).")
  @Nullable Duration unusedSince;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      description =
          "Rows per page, 1 to "
              + TokenQuery.MAX_PAGE_SIZE
              + ". Default: "
              + TokenQuery.DEFAULT_PAGE_SIZE
              + ".")
  int pageSize = TokenQuery.DEFAULT_PAGE_SIZE;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description = "Start after this cursor (printed by the previous page).")
  @Nullable PageCursor after;

  @Override
  ExitCode run(Session session) {
    TokenQuery query =
        TokenQuery.all()
            .inEnvironment(environment)
            .withStatus(status)
            .pageSize(pageSize)
            .after(after);
    if (expiringWithin != null && unusedSince != null) {
      throw new ConsoleException(
          ExitCode.USAGE, "--expiring-within and --unused-since cannot be used together");
    }
    TokenPage page =
        unusedSince != null
            ? session
                .service()
                .unusedSince(session.organization(), Instant.now().minus(unusedSince), query)
            : expiringWithin == null
                ? session.service().list(session.organization(), query)
                : session.service().expiringWithin(session.organization(), expiringWithin, query);
    if (page.tokens().isEmpty()) {
      out()
          .println(
              (after == null ? "No access tokens" : "No more access tokens")
                  + " in organization "
                  + session.organization()
                  + filters()
                  + ".");
      return ExitCode.OK;
    }
    Table.printTokens(out(), page.tokens(), Instant.now());
    page.nextPage()
        .ifPresent(
            next ->
                out()
                    .println(
                        "More tokens follow: list again with --after "
                            + next.encode()
                            + (environment == null
                                    && status == null
                                    && expiringWithin == null
                                    && unusedSince == null
                                ? ""
                                : " and the same filters")));
    return ExitCode.OK;
  }

  private String filters() {
    String text = "";
    if (environment != null) {
      text += ", environment " + environment;
    }
    if (status != null) {
      text += ", status " + Table.status(status);
    }
    if (expiringWithin != null) {
      text += ", expiring within " + expiringWithin;
    }
    if (unusedSince != null) {
      text += ", unused for " + unusedSince;
    }
    return text.isEmpty() ? "" : " (" + text.substring(2) + ")";
  }
}
