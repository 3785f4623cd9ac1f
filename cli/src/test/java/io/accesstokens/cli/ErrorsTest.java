package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong: one line on standard error naming the command, an exit code a script can rely
 * on, nothing on standard output, and a stack trace only with --verbose.
 */
@ExtendWith(SecretLeakGuard.class)
class ErrorsTest {
  @TempDir Path dir;

  @Test
  void noCommand_printsTheUsage_andExits2() {
    Result result = new Cli(dir).run();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines().get(0)).isEqualTo("access-tokens: missing a command");
    assertThat(result.err()).contains("Usage: access-tokens", "Exit codes:");
  }

  @Test
  void anUnknownCommandOrOption_isOneLine_withASuggestion() {
    Cli cli = new Cli(dir).organization("acme", "production");

    Result command = cli.run("--org", "acme", "lst");
    Result option = cli.run("--org", "acme", "list", "--environment", "production");

    command
        .assertExitWithOneErrLine(2)
        .startsWith("access-tokens: Unmatched argument")
        .contains("did you mean list?");
    option
        .assertExitWithOneErrLine(2)
        .startsWith("access-tokens list: Unknown options: '--environment', 'production'")
        .endsWith("(see 'access-tokens list --help')");
  }

  @Test
  void aMissingOrganization_isAUsageError_forEveryTokenCommand() {
    Cli cli = new Cli(dir).organization("acme", "production");

    for (String[] command :
        new String[][] {
          {"create", "--env", "production"},
          {"list"},
          {"copy", "0000000000A"},
          {"edit", "0000000000A", "--description", "x"},
          {"activate", "0000000000A"},
          {"deactivate", "0000000000A"},
          {"delete", "0000000000A"},
          {"validate", "--env", "production"}
        }) {
      Result result = cli.run(command);

      assertThat(result.exitCode()).as(command[0]).isEqualTo(2);
      assertThat(result.errLines())
          .as(command[0])
          .containsExactly(
              "access-tokens "
                  + command[0]
                  + ": missing the organization: give --org ORG or set ACCESS_TOKENS_ORG (see"
                  + " 'access-tokens "
                  + command[0]
                  + " --help')");
      assertThat(result.out()).isEmpty();
    }
  }

  @Test
  void anOrganizationTheConsoleDoesNotHost_exits4_andSaysHowToAddIt() {
    Cli cli = new Cli(dir).organization("acme", "production");

    Result result = cli.run("--org", "acme-typo", "list");

    result.assertExitWithErrLines(
        4,
        "access-tokens list: organization acme-typo is not configured in "
            + cli.home().resolve("console.properties")
            + "; add it with: access-tokens org add acme-typo");
  }

  @Test
  void anOrganizationWithoutEdiAccess_hasNoPage_exit4() {
    Cli cli = new Cli(dir);
    cli.run("org", "add", "initech", "--no-edi");
    cli.run("--org", "initech", "env", "add", "production");

    Result create = cli.run("--org", "initech", "create", "--env", "production");
    Result list = cli.run("--org", "initech", "list");

    create.assertExitWithErrLines(
        4,
        "access-tokens create: organization initech has no access to"
            + " the EDI application, so it has no access tokens page");
    assertThat(list.exitCode()).isEqualTo(4);
    assertThat(cli.home().resolve("copy.key"))
        .as("no key is made for a create that is refused")
        .doesNotExist();
  }

  @Test
  void anInvalidOrganizationId_isAUsageError() {
    Result result = new Cli(dir).run("--org", "no spaces", "list");

    result
        .assertExitWithOneErrLine(2)
        .startsWith("access-tokens: Invalid value for option '--org': organization id must be");
  }

  @Test
  void aMalformedTokenId_isAUsageError() {
    Cli cli = new Cli(dir).organization("acme", "production");

    Result result = cli.run("--org", "acme", "copy", "abc");

    result.assertExitWithErrLines(
        2,
        "access-tokens copy: Invalid value for positional parameter at index 0 (ID): a token id"
            + " is 11 letters and digits (the ID column of list) (see 'access-tokens copy"
            + " --help')");
  }

  @Test
  void aTokenValueGivenAsAnId_isRefused_withoutQuotingIt() {
    Cli cli = new Cli(dir).organization("acme", "production");
    String value = cli.create("acme", "production", null);

    Result result = cli.run("--org", "acme", "deactivate", value);

    result
        .assertExitWithOneErrLine(2)
        .contains("that is a token value (53 characters), not a token id");
    assertThat(result.err()).doesNotContain(value.substring(4, 30));
  }

  // ---- the database
  // ------------------------------------------------------------------------------

  @Test
  void aDatabaseFileThatCannotBeOpened_exits5_inOneLine() throws IOException {
    Cli cli = new Cli(dir).organization("acme", "production");
    Files.writeString(
        cli.home().resolve("tokens.mv.db"),
        "not an H2 database\n".repeat(500),
        StandardCharsets.UTF_8);

    Result result = cli.run("--org", "acme", "list");

    result
        .assertExitWithOneErrLine(5)
        .startsWith(
            "access-tokens list: cannot open the database jdbc:h2:file:"
                + cli.home().resolve("tokens")
                + ": ");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void withVerbose_aFailureAlsoShowsItsStackTrace() throws IOException {
    Cli cli = new Cli(dir).organization("acme", "production");
    Files.writeString(
        cli.home().resolve("tokens.mv.db"),
        "not an H2 database\n".repeat(500),
        StandardCharsets.UTF_8);

    Result result = cli.run("--org", "acme", "list", "--verbose");

    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.errLines().get(0)).startsWith("access-tokens list: cannot open the database");
    assertThat(result.err())
        .contains("io.accesstokens.cli.ConsoleException", "\tat ", "Caused by: org.h2");
  }

  @Test
  void anUnreachableDatabaseServer_exits5_withTheDriversReason() {
    Cli cli = new Cli(dir).organization("acme", "production");

    Result result =
        cli.run(
            "--org",
            "acme",
            "--jdbc-url",
            "jdbc:postgresql://127.0.0.1:1/tokens?password=s3cret",
            "list");

    result
        .assertExitWithOneErrLine(5)
        .startsWith(
            "access-tokens list: cannot open the database"
                + " jdbc:postgresql://127.0.0.1:1/tokens?password=***: ")
        .contains("refused")
        .doesNotContain("s3cret");
  }

  @Test
  void aJdbcUrlNoDriverTakes_isAUsageError() {
    Cli cli = new Cli(dir).organization("acme", "production");

    Result noDriver = cli.run("--org", "acme", "--jdbc-url", "jdbc:oracle:thin:@db:1521/x", "list");
    Result notJdbc = cli.run("--org", "acme", "--jdbc-url", "postgres://db/x", "list");

    noDriver.assertExitWithErrLines(
        2,
        "access-tokens list: no JDBC driver takes jdbc:oracle:thin:@db:1521/x (the console has"
            + " the H2, PostgreSQL and MariaDB/MySQL drivers)");
    assertThat(notJdbc.exitCode()).isEqualTo(2);
  }

  @Test
  void aHomeThatIsAFile_exits8() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Cli cli = new Cli(dir).env("ACCESS_TOKENS_HOME", file.toString());

    Result result = cli.run("org", "add", "acme");

    result.assertExitWithErrLines(
        8, "access-tokens org add: the console's home " + file + " is not a directory");
  }

  @Test
  void anInvalidConfigurationFile_exits8_namingTheBadLine() throws IOException {
    Cli cli = new Cli(dir).organization("acme", "production");
    Files.writeString(cli.home().resolve("console.properties"), "org.acme.edi=maybe\n");

    Result result = cli.run("--org", "acme", "list");

    result.assertExitWithErrLines(
        8,
        "access-tokens list: the configuration "
            + cli.home().resolve("console.properties")
            + " is invalid: org.acme.edi must be true or false");
  }

  @Test
  void theExitCodeOfEveryFailure_isDistinct_andDocumented() {
    assertThat(ExitCode.values()).extracting(ExitCode::code).doesNotHaveDuplicates();
    assertThat(Console.exitCodeOf(new RuntimeException("a bug"))).isEqualTo(ExitCode.SOFTWARE);
  }
}
