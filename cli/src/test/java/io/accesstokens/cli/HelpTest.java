package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --help on every command, with the exit codes; --version; the completion script. */
@ExtendWith(SecretLeakGuard.class)
class HelpTest {
  @TempDir Path dir;

  @Test
  void everyCommand_hasHelp_thatListsTheExitCodes_andExits0() {
    Cli cli = new Cli(dir);
    List<List<String>> paths =
        commandPaths(
            new CommandLine(new AccessTokensCommand(Terminal.builder().build())), List.of());
    assertThat(paths).hasSizeGreaterThanOrEqualTo(17);

    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Result help = cli.run(args.toArray(String[]::new));

      String name = String.join(" ", path);
      assertThat(help.exitCode()).as(name).isZero();
      assertThat(help.err()).as(name).isEmpty();
      assertThat(help.out())
          .as(name)
          .contains("Usage: access-tokens" + (name.isEmpty() ? "" : " " + name), "Exit codes:");
      for (ExitCode exit : ExitCode.values()) {
        assertThat(help.out())
            .as(name)
            .containsPattern(
                "(?m)^ +" + exit.code() + " +" + Pattern.quote(exit.meaning().substring(0, 5)));
      }
    }
    assertThat(cli.home()).doesNotExist();
  }

  @Test
  void helpCommand_andVersion() {
    Cli cli = new Cli(dir);

    Result help = cli.run("help", "delete");
    Result version = cli.run("--version");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: access-tokens delete", "--yes");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).matches("access-tokens \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
  }

  @Test
  void generateCompletion_printsAScriptForEveryCommand() {
    Result script = new Cli(dir).run("generate-completion");

    assertThat(script.exitCode()).isZero();
    assertThat(script.out())
        .contains("complete -F _complete_access-tokens", "deactivate", "--jdbc-url");
  }

  private static List<List<String>> commandPaths(CommandLine command, List<String> path) {
    List<List<String>> paths = new ArrayList<>();
    paths.add(path);
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> longer = new ArrayList<>(path);
              longer.add(name);
              paths.addAll(commandPaths(sub, longer));
            });
    return paths;
  }
}
