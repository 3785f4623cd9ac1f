package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console on a PostgreSQL server (an embedded PostgreSQL 14) through --jdbc-url, with the
 * credentials in their environment variables and tables under a prefix of their own, as it would
 * run against a host application's database.
 */
@ExtendWith(SecretLeakGuard.class)
class PostgresConsoleTest {
  private static EmbeddedPostgres postgres;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Test
  void thePage_onPostgreSql() {
    Cli cli =
        new Cli(dir)
            .organization("acme", "production")
            .env("ACCESS_TOKENS_ORG", "acme")
            .env(
                "ACCESS_TOKENS_JDBC_URL",
                "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres")
            .env("ACCESS_TOKENS_JDBC_USER", "postgres")
            .env("ACCESS_TOKENS_JDBC_PASSWORD", "postgres")
            .env("ACCESS_TOKENS_KEY", Base64.getEncoder().encodeToString(new byte[32]));

    String value = cli.create("acme", "production", "Partner X");
    String id = Cli.idOf(value);
    Result list = cli.run("list");
    Result copy = cli.run("copy", id);
    cli.run("deactivate", id);
    Result refused = cli.withInput(value + "\n", "validate", "--env", "production");
    cli.run("activate", id);
    Result valid = cli.withInput(value + "\n", "validate", "--env", "production");
    Result otherTables = cli.run("--table-prefix", "console_", "list");

    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.outLines().get(1))
        .startsWith(id + "  atk_" + id + "…")
        .contains("  Active  production   Partner X");
    assertThat(copy.out()).isEqualTo(value + "\n");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out())
        .isEqualTo("Error opening connection. Exception is: Error code: INVALID_TOKEN\n");
    assertThat(valid.exitCode()).isZero();
    assertThat(otherTables.out()).isEqualTo("No access tokens in organization acme.\n");
    assertThat(cli.run("delete", "--yes", id).exitCode()).isZero();
    assertThat(cli.run("copy", id).exitCode()).isEqualTo(3);
  }

  @Test
  void wrongCredentials_exit5_withTheServersReason_andNoPassword() {
    Cli cli =
        new Cli(dir)
            .organization("acme", "production")
            .env("ACCESS_TOKENS_JDBC_USER", "nobody")
            .env("ACCESS_TOKENS_JDBC_PASSWORD", "wrong-password");

    Result list =
        cli.run(
            "--org",
            "acme",
            "--jdbc-url",
            "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
            "list");

    list.assertExitWithOneErrLine(5)
        .startsWith("access-tokens list: cannot open the database jdbc:postgresql://localhost:")
        .contains("nobody")
        .doesNotContain("wrong-password");
  }
}
