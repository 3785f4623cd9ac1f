package io.accesstokens.cli;

import io.accesstokens.Actor;
import io.accesstokens.LeakOutcome;
import io.accesstokens.LeakResponse;
import io.accesstokens.TokenService;
import io.accesstokens.internal.Descriptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Revokes leaked values, whoever's tokens they are: the console's {@link LeakResponse}. Not scoped
 * to an organization (the finder does not know the owner); prints only line numbers and outcomes.
 */
@Command(
    name = "revoke-leaked",
    header = "Revoke leaked token values, whoever owns them: print each line's outcome, never it.",
    description = {
      "Reads token values from FILE (default -: standard input), one per line (surrounding blanks"
          + " are ignored, and so are empty lines), and deactivates every token among them in any"
          + " organization. Prints LINE: OUTCOME for each value: REVOKED, ALREADY_INACTIVE,"
          + " NOT_FOUND or MALFORMED; never the value, its organization or its environment. The"
          + " owner's audit trail gets TOKEN_LEAK_REPORTED with --reason and the actor.",
      "",
      "Exit code 0: at least one token was revoked; 1: none was (all not found, already inactive"
          + " or malformed); 2: a usage error or an unreadable file, and nothing is revoked."
    })
final class RevokeLeakedCommand implements Callable<Integer> {
  @ParentCommand AccessTokensCommand root;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      converter = Console.Text.class,
      description = "Why, for the owners' audit trail: where the values were found (required).")
  String reason;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "A file of values, one per line; - (the default) for standard input.")
  String file = "-";

  @Override
  public Integer call() {
    PrintWriter out = root.terminal.out();
    String checkedReason;
    try {
      checkedReason = Descriptions.reason(reason);
    } catch (IllegalArgumentException e) {
      throw new ConsoleException(ExitCode.USAGE, "--reason: " + e.getMessage(), e);
    }
    Actor actor = root.actor();
    List<Line> lines = read();
    ConsoleConfig config = root.config();
    boolean revoked = false;
    try (Database database = root.openDatabase(false)) {
      TokenService service =
          root.service(
              database, CopyKeys.Use.NONE, false, config.entitlements(), config.environments());
      LeakResponse leaks = LeakResponse.builder(service).build();
      for (int from = 0; from < lines.size(); from += LeakResponse.MAX_VALUES) {
        List<Line> batch =
            lines.subList(from, Math.min(lines.size(), from + LeakResponse.MAX_VALUES));
        List<String> values = new ArrayList<>(batch.size());
        batch.forEach(l -> values.add(l.value()));
        List<LeakOutcome> outcomes = leaks.revokeLeaked(values, checkedReason, actor);
        for (int i = 0; i < batch.size(); i++) {
          out.println(batch.get(i).number() + ": " + outcomes.get(i));
          revoked |= outcomes.get(i) == LeakOutcome.REVOKED;
        }
        out.flush();
      }
    }
    return (revoked ? ExitCode.OK : ExitCode.REFUSED).code();
  }

  /** One value and the number of the line it was on (from 1). */
  private record Line(int number, String value) {
    @Override
    public String toString() {
      return "Line[" + number + "]";
    }
  }

  /** Every non-empty line, stripped, read before the database is opened. */
  private List<Line> read() {
    try {
      if (file.equals("-")) {
        // Standard input is the process's: read to its end, never closed here.
        return read(root.terminal.in());
      }
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        return read(in);
      }
    } catch (NoSuchFileException e) {
      throw new ConsoleException(ExitCode.USAGE, ScanCommand.shown(file) + ": no such file", e);
    } catch (IOException | RuntimeException e) {
      throw new ConsoleException(
          ExitCode.USAGE,
          ScanCommand.shown(file) + ": cannot be read (" + e.getClass().getSimpleName() + ")",
          e);
    }
  }

  private static List<Line> read(InputStream in) throws IOException {
    // Values are ASCII; Latin-1 reads any byte as one character, so nothing fails to decode.
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    List<Line> lines = new ArrayList<>();
    int number = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      number++;
      String value = line.strip();
      if (!value.isEmpty()) {
        lines.add(new Line(number, value));
      }
    }
    return lines;
  }
}
