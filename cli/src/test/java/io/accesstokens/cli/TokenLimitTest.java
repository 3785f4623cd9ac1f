package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: {@code ACCESS_TOKENS_MAX_TOKENS} limits how many tokens each organization may hold; a
 * create beyond it exits with 9 and one line naming the limit, and a delete frees a place.
 */
@ExtendWith(SecretLeakGuard.class)
class TokenLimitTest {
  @TempDir Path dir;

  Cli cli;

  @BeforeEach
  void configure() {
    cli =
        new Cli(dir)
            .organization("acme", "production")
            .organization("globex", "production")
            .env("ACCESS_TOKENS_ORG", "acme")
            .env("ACCESS_TOKENS_MAX_TOKENS", "2");
  }

  @Test
  void create_beyondTheLimit_exits9_namingTheLimit_andADeleteFreesAPlace() {
    String first = cli.create("acme", "production", "one");
    cli.create("acme", "production", "two");
    assertThat(cli.run("deactivate", Cli.idOf(first)).exitCode()).isZero();

    Result third = cli.run("create", "--env", "production", "--description", "three");

    third.assertExitWithErrLines(
        9,
        "access-tokens create: organization acme already holds its limit of 2 tokens (active"
            + " and inactive count alike): delete a token to create another");
    assertThat(third.out()).isEmpty();
    cli.create("globex", "production", "another organization's");

    Result delete = cli.withInput("y\n", "delete", Cli.idOf(first));
    assertThat(delete.exitCode()).as(delete.toString()).isZero();
    cli.create("acme", "production", "three");
    assertThat(cli.run("list").out()).contains("two", "three").doesNotContain("one");
  }

  @Test
  void aLimitThatIsNotAWholeNumber_isAUsageError_withoutQuotingIt() {
    for (String bad : new String[] {"ten", "-1", "1000000000", "12 ", "1e3"}) {
      Result create = cli.env("ACCESS_TOKENS_MAX_TOKENS", bad).run("create", "--env", "production");

      assertThat(create.exitCode()).as("%s: %s", bad, create).isEqualTo(2);
      assertThat(create.errLines())
          .containsExactly(
              "access-tokens create: ACCESS_TOKENS_MAX_TOKENS must be a whole number of tokens"
                  + " from 0 to 999999999, the most each organization may hold");
    }
  }

  /** Empty is unset, as for every variable of the console: no limit. */
  @Test
  void anEmptyLimit_isNoLimit() {
    for (int i = 0; i < 3; i++) {
      cli.env("ACCESS_TOKENS_MAX_TOKENS", "").create("acme", "production", "token " + i);
    }
    assertThat(cli.run("list").out()).contains("token 0", "token 1", "token 2");
  }

  @Test
  void aLimitOfZero_refusesEveryCreate() {
    Result create = cli.env("ACCESS_TOKENS_MAX_TOKENS", "0").run("create", "--env", "production");

    assertThat(create.exitCode()).as(create.toString()).isEqualTo(9);
    assertThat(create.err()).contains("its limit of 0 tokens");
  }
}
