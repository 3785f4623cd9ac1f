package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keeps the promises of the README and docs/console.md about the console the console's. */
@ExtendWith(SecretLeakGuard.class)
class ReadmeTest {
  private static final Path README = Path.of("../README.md");
  private static final Path CONSOLE_DOC = Path.of("../docs/console.md");

  @Test
  void theFirstOfTheTwoCommands_buildsTheConsole_andRunsTheDemo() throws IOException {
    List<String> rows = tableRows(Files.readString(README), "## The two commands");

    assertThat(rows.get(0))
        .contains(
            "`mvn -B -q -pl cli -am package -DskipTests && java -jar"
                + " cli/target/access-tokens-cli.jar demo`");
    assertThat(rows.get(1)).contains("`mvn -B verify`");
  }

  @Test
  void theExitCodeTable_isTheConsoles() throws IOException {
    List<String> rows = tableRows(Files.readString(CONSOLE_DOC), "## Exit codes");

    List<String> expected = new ArrayList<>();
    for (ExitCode exit : ExitCode.values()) {
      expected.add("| " + exit.code() + " | " + exit.meaning() + " |");
    }
    assertThat(rows).containsExactlyElementsOf(expected);
  }

  /** The body rows of the first Markdown table after {@code heading}. */
  private static List<String> tableRows(String markdown, String heading) {
    int at = markdown.indexOf("\n" + heading + "\n");
    assertThat(at).as("heading %s", heading).isNotNegative();
    List<String> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : markdown.substring(at + heading.length() + 2).lines().toList()) {
      if (line.startsWith("|")) {
        inTable = true;
        rows.add(line);
      } else if (inTable) {
        break;
      }
    }
    assertThat(rows).as("table after %s", heading).hasSizeGreaterThan(2);
    return rows.subList(2, rows.size());
  }
}
