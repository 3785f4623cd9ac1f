package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** demo: the seed's whole flow, unattended, on a throwaway database. */
@ExtendWith(SecretLeakGuard.class)
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demo_runsTheWholePage_readsNoInput_andExits0() {
    Cli cli = new Cli(dir);

    Result demo = cli.run(new TokenCommandsTest.FailingInputStream(), "demo");

    assertThat(demo.exitCode()).as(demo.toString()).isZero();
    assertThat(demo.err()).isEmpty();
    List<String> lines = demo.outLines();
    assertThat(lines)
        .filteredOn(line -> line.startsWith("== "))
        .containsExactly(
            "== 1. The console is its own host: an organization with EDI access, and its"
                + " environments",
            "== 2. Add Token: one token in each environment; each value is printed once, on"
                + " standard output",
            "== 3. The table: Token (masked), Status, Environment, Description, Scope, Expires",
            "== 4. Copy: the full value again",
            "== 5. Edit: the description, and nothing else",
            "== 6. The EDI connector opens a connection with the token",
            "== 7. Status toggle: deactivate it, and the connector's connection fails",
            "== 8. Status toggle: activate it again, and it validates again",
            "== 9. Rotate: a new value for the partner; the old one validates through the"
                + " overlap, and a token is rotated once",
            "== 10. Delete: the page asks for confirmation first; no keeps the token, yes deletes"
                + " it");
    assertThat(lines).filteredOn(line -> line.startsWith("$ ")).hasSize(24);
    assertThat(demo.out())
        .contains("$ access-tokens create --env production --description \"Partner X over AS2\"\n")
        .contains(
            "$ access-tokens create --env sandbox --description \"Test partner\" --expires-in"
                + " 90d\n")
        .contains(
            "ID           Token             Status  Environment  Description         Scope "
                + " Expires               Last used\n")
        .contains(
            "\nError opening connection. Exception is: Error code: INVALID_TOKEN\n[exit code 1]\n")
        .containsPattern(
            "\\? It stops working at once and cannot be restored\\. \\[y/N\\] n\n"
                + "Not deleted\\.\n"
                + "\\[exit code 1\\]\n")
        .containsPattern("\\[y/N\\] y\nDeleted access token ")
        .containsPattern(
            "access-tokens copy: no token [0-9A-Za-z]{11} in organization demo-org\n"
                + "\\[exit code 3\\]\n")
        .endsWith("\nDemo complete: every step answered as the page does.\n");
    assertThat(lines).filteredOn(line -> line.startsWith("Valid: access token ")).hasSize(4);
    assertThat(demo.out())
        .as("issue 14: the rotation, its successor in the list, and a second rotation refused")
        .containsPattern("\\$ access-tokens rotate [0-9A-Za-z]{11} --overlap 7d\n")
        .containsPattern("\\s+Rotated from\n")
        .containsPattern("cannot be rotated: it was already rotated[^\n]*\n\\[exit code 7\\]\n");
  }

  @Test
  void demo_deletesItsDirectory_andTouchesNeitherTheHomeNorTheUsersHome() {
    Cli cli =
        new Cli(dir)
            .env("ACCESS_TOKENS_ORG", "acme")
            .env("ACCESS_TOKENS_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/x");

    Result demo = cli.run("demo");

    assertThat(demo.exitCode()).as(demo.toString()).isZero();
    Matcher directory =
        Pattern.compile("on a throwaway database in (.+) \\(deleted at the end\\)")
            .matcher(demo.out());
    assertThat(directory.find()).isTrue();
    assertThat(Path.of(directory.group(1))).doesNotExist();
    assertThat(cli.home()).doesNotExist();
    assertThat(cli.userHome()).doesNotExist();
  }
}
