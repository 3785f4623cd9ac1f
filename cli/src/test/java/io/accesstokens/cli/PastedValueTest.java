package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A person pastes a real token value where something else belongs: as an argument of any command,
 * as the value of any option, in a variable that stands for an option. The console refuses it as a
 * usage error (exit 2) and never echoes it: not on standard output or error (a terminal, a CI log,
 * a support ticket would keep it), not in audit.log, not in the database. Where it is named at all,
 * it is by kind and length ("a token value (53 characters)").
 *
 * <p>{@link Cli} scans every run for pieces of issued values already; this suite asserts the same
 * explicitly, one case per place, so a failure names the place.
 */
@ExtendWith(SecretLeakGuard.class)
class PastedValueTest {
  /**
   * Where a value may be pasted: {@code {value}} is the issued value, {@code {id}} its token id,
   * {@code {dir}} the test's directory; {@code env:NAME=...} sets a variable instead of an
   * argument.
   */
  static Stream<List<String>> places() {
    return Stream.of(
        // the command line's words
        List.of("validate", "--env", "production", "{value}"),
        List.of("create", "--env", "production", "{value}"),
        List.of("list", "{value}"),
        List.of("lst", "{value}"),
        List.of("{value}"),
        List.of("help", "{value}"),
        List.of("list", "--{value}"),
        List.of("list", "-{value}"),
        // the ids
        List.of("--org", "{value}", "list"),
        List.of("--org={value}", "list"),
        List.of("env:ACCESS_TOKENS_ORG={value}", "list"),
        List.of("create", "--env", "{value}"),
        List.of("create", "--env={value}"),
        List.of("org", "add", "{value}"),
        List.of("env", "add", "{value}"),
        List.of("copy", "{value}"),
        List.of("deactivate", "{value}"),
        List.of("delete", "--yes", "{value}"),
        List.of("edit", "{value}", "--description", "x"),
        List.of("list", "--after", "{value}"),
        List.of("list", "--after={value}"),
        // the texts
        List.of("--actor", "{value}", "create", "--env", "production"),
        List.of("env:ACCESS_TOKENS_ACTOR={value}", "create", "--env", "production"),
        List.of("create", "--env", "production", "--description", "{value}"),
        List.of("create", "--env", "production", "--description=Partner {value}"),
        List.of("edit", "{id}", "--description", "{value}"),
        // the other options
        List.of("list", "--status", "{value}"),
        List.of("list", "--page-size", "{value}"),
        List.of("--key-id", "{value}", "copy", "{id}"),
        List.of("--key-file", "{value}", "copy", "{id}"),
        List.of("env:ACCESS_TOKENS_KEY_FILE={value}", "copy", "{id}"),
        List.of("--home", "{dir}/{value}", "list"),
        List.of("--jdbc-url", "{value}", "list"),
        List.of("--table-prefix", "{value}", "list"));
  }

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("places")
  void aPastedValue_isRefused_withoutBeingEchoed(List<String> place) throws Exception {
    Cli cli = new Cli(dir).organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
    String value = cli.create("acme", "production", "Partner X");
    IssuedSecrets.record(value);
    List<String> args = new ArrayList<>();
    for (String word : place) {
      String filled =
          word.replace("{dir}", dir.toString())
              .replace("{id}", Cli.idOf(value))
              .replace("{value}", value);
      if (filled.startsWith("env:")) {
        String[] variable = filled.substring(4).split("=", 2);
        cli.env(variable[0], variable[1]);
      } else {
        args.add(filled);
      }
    }

    Result result;
    try {
      result = cli.run(args.toArray(String[]::new));
    } catch (AssertionError scanned) {
      throw new AssertionError(String.join(" ", place) + ": " + scanned.getMessage());
    }

    String everything = result.out() + result.err() + homeText(cli);
    assertThat(IssuedSecrets.pieceIn(everything)).as("%s: a piece of the value", place).isNull();
    // The shape scan takes a path of 43 characters for a Base64 digest: the test's own paths are
    // left out.
    assertThat(SecretLeakGuard.leak((result.out() + result.err()).replace(dir.toString(), "DIR")))
        .as("%s: secret-shaped output", place)
        .isNull();
    assertThat(result.exitCode()).as("%s: %s", place, result).isEqualTo(ExitCode.USAGE.code());
    assertThat(result.errLines()).as("%s: one line", place).hasSize(1);
    assertThat(result.err())
        .as("%s: named by kind and length", place)
        .containsPattern("\\(\\d+ characters\\)");
    assertThat(result.out()).as("%s", place).isEmpty();
  }

  /**
   * Delete echoes its answer when standard input is not a terminal, so that a transcript reads as a
   * dialogue: a value piped in by mistake (meant for validate) is not echoed, and deletes nothing.
   */
  @Test
  void aValuePipedIntoDeletesQuestion_isNotEchoed_andDeletesNothing() {
    Cli cli = new Cli(dir).organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
    String value = cli.create("acme", "production", "Partner X");

    Result delete = cli.withInput(value + "\n", "delete", Cli.idOf(value));

    assertThat(delete.exitCode()).isEqualTo(1);
    assertThat(IssuedSecrets.pieceIn(delete.err())).isNull();
    assertThat(delete.errLines())
        .containsExactly(
            delete.errLines().get(0).substring(0, delete.errLines().get(0).indexOf("[y/N] ") + 6)
                + "a token value (53 characters)",
            "Not deleted.");
    assertThat(cli.run("list").out()).contains(Cli.idOf(value));
  }

  private static String homeText(Cli cli) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("audit.log", "console.properties")) {
      Path file = cli.home().resolve(name);
      if (Files.exists(file)) {
        text.append(Files.readString(file)).append('\n');
      }
    }
    return text.toString();
  }
}
