package io.accesstokens.cli;

import io.accesstokens.Expiry;
import io.accesstokens.PredecessorRetirement;
import io.accesstokens.Rotation;
import io.accesstokens.TokenId;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Rotate: a new value for a token's partner, the old one valid for an overlap. */
@Command(
    name = "rotate",
    header =
        "Rotate: create a token's successor with a new value, and let the old value expire after"
            + " an overlap.",
    description = {
      "The successor has the token's environment, description and scope. Its full value is"
          + " printed on standard output, alone on its line (what it is, on standard error), as"
          + " create prints one; the old token stops validating at the end of the overlap (or at"
          + " its own expiry, if earlier), and list shows the successor's Rotated from. With"
          + " --retire-on-first-use it is deactivated as soon as the successor is first validated.",
      "An inactive, expired or already rotated token cannot be rotated (exit code 7)."
    })
final class RotateCommand extends PageCommand {
  @Parameters(paramLabel = "ID", description = "The token's id (the ID column of list).")
  TokenId id;

  @Option(
      names = "--overlap",
      paramLabel = "OVERLAP",
      converter = Console.Overlap.class,
      description =
          "How long the old value keeps validating, so the partner can swap values meanwhile: for"
              + " example 7d, 12h, 30m or an ISO-8601 duration (P7D). Default: 0, refused at"
              + " once.")
  Duration overlap = Duration.ZERO;

  @Option(
      names = "--expires-in",
      paramLabel = "LIFETIME",
      converter = Console.Lifetime.class,
      description =
          "Optional: the successor stops validating this long after it is created, as create"
              + " --expires-in. Default: never expires.")
  @Nullable Duration expiresIn;

  @Option(
      names = "--retire-on-first-use",
      description =
          "Optional: the old token is also deactivated as soon as the successor is first"
              + " validated (on any node), so it stops validating before the end of the overlap"
              + " once the partner has swapped values. Default: it lives to the end of the"
              + " overlap.")
  boolean retireOnFirstUse;

  @Override
  CopyKeys.Use keyUse() {
    return CopyKeys.Use.CREATE;
  }

  @Override
  ExitCode run(Session session) {
    Rotation rotation =
        session
            .service()
            .rotate(
                session.organization(),
                id,
                overlap,
                expiresIn == null ? Expiry.never() : Expiry.after(expiresIn),
                retireOnFirstUse
                    ? PredecessorRetirement.FIRST_USE
                    : PredecessorRetirement.END_OF_OVERLAP,
                session.actor());
    err()
        .println(
            "Rotated access token "
                + Table.describe(rotation.predecessor())
                + " in organization "
                + session.organization()
                + ": it stops validating "
                + (overlap.isZero() ? "now" : "at " + rotation.predecessor().expiresAt())
                + (retireOnFirstUse && !overlap.isZero()
                    ? ", or when its successor is first validated"
                    : "")
                + ". Its successor "
                + rotation.successor().id()
                + "'s value follows; keep it secret (copy "
                + rotation.successor().id()
                + " shows it again):");
    err().flush();
    out().println(rotation.successor().value().reveal());
    return ExitCode.OK;
  }
}
