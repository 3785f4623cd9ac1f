package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** validate: a token on standard input, the connector's answer on standard output. */
@ExtendWith(SecretLeakGuard.class)
class ValidateCommandTest extends AcmeConsoleSuite {
  private static final String INVALID_TOKEN =
      "Error opening connection. Exception is: Error code: INVALID_TOKEN\n";

  String value;

  @BeforeEach
  void createAToken() {
    value = cli.create("acme", "production", "Partner X");
  }

  @Test
  void validate_anActiveToken_printsIt_andExits0() {
    Result valid = cli.withInput(value + "\n", "validate", "--env", "production");

    assertThat(valid.exitCode()).isZero();
    assertThat(valid.out())
        .isEqualTo(
            "Valid: access token "
                + Cli.idOf(value)
                + " of organization acme, environment production, scope EDI.\n");
    assertThat(valid.err()).isEmpty();
  }

  @Test
  void validate_toleratesSurroundingBlanksAndAWindowsLineEnd() {
    assertThat(cli.withInput("  " + value + " \r\n", "validate", "--env", "production").exitCode())
        .isZero();
    assertThat(cli.withInput(value, "validate", "--env", "production").exitCode()).isZero();
  }

  @Test
  void validate_anInactiveToken_printsExactlyTheConnectorsError_andExits1() {
    cli.run("deactivate", Cli.idOf(value));

    Result refused = cli.withInput(value + "\n", "validate", "--env", "production");

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).isEqualTo(INVALID_TOKEN);
    assertThat(refused.err()).isEmpty();
  }

  @Test
  void validate_aReactivatedToken_validatesAgain() {
    cli.run("deactivate", Cli.idOf(value));
    cli.run("activate", Cli.idOf(value));

    assertThat(cli.withInput(value + "\n", "validate", "--env", "production").exitCode()).isZero();
  }

  @Test
  void validate_refusesEveryOtherCase_withTheSameMessage() {
    String deleted = cli.create("acme", "production", null);
    cli.run("delete", "--yes", Cli.idOf(deleted));
    cli.organization("globex", "production");
    String foreign = cli.create("globex", "production", null);
    String mistyped =
        value.substring(0, 20) + (value.charAt(20) == 'a' ? 'b' : 'a') + value.substring(21);

    for (String presented :
        new String[] {deleted, foreign, mistyped, "garbage", value.substring(0, 52), ""}) {
      Result refused = cli.withInput(presented + "\n", "validate", "--env", "production");

      assertThat(refused.exitCode()).as(presented).isEqualTo(1);
      assertThat(refused.out()).as(presented).isEqualTo(INVALID_TOKEN);
    }
    Result wrongEnvironment = cli.withInput(value + "\n", "validate", "--env", "sandbox");
    assertThat(wrongEnvironment.exitCode()).isEqualTo(1);
    assertThat(wrongEnvironment.out()).isEqualTo(INVALID_TOKEN);
  }

  @Test
  void validate_whenTheOrganizationLosesEdiAccess_refusesItsTokens_asTheConnectorDoes()
      throws IOException {
    Path config = cli.home().resolve("console.properties");
    Files.writeString(
        config,
        Files.readString(config).replace("org.acme.edi=true", "org.acme.edi=false"),
        StandardCharsets.UTF_8);

    Result refused = cli.withInput(value + "\n", "validate", "--env", "production");
    Result list = cli.run("list");

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).isEqualTo(INVALID_TOKEN);
    list.assertExitWithErrLines(
        4,
        "access-tokens list: organization acme has no access to the EDI application, so it has"
            + " no access tokens page");
  }

  @Test
  void validate_withNothingOnStandardInput_isAUsageError() {
    Result nothing = cli.run("validate", "--env", "production");

    nothing.assertExitWithErrLines(2, "access-tokens validate: no token on standard input");
  }

  @Test
  void validate_readsOnlyTheFirstLine_andRefusesARunawayOne() {
    Result first = cli.withInput(value + "\nsomething else\n", "validate", "--env", "production");
    Result runaway = cli.withInput("x".repeat(5000), "validate", "--env", "production");

    assertThat(first.exitCode()).isZero();
    runaway.assertExitWithErrLines(
        2, "access-tokens validate: the line on standard input is longer than 4096 characters");
  }
}
