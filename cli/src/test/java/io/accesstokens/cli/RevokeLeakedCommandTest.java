package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenEvent;
import io.accesstokens.TokenEventType;
import io.accesstokens.cli.Cli.Result;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * revoke-leaked: values from standard input or a file, one per line, revoked in every organization;
 * the output gives line numbers and outcomes only, and the exit code says whether one was revoked.
 * Every run's output and the console's files are scanned by {@link Cli} for pieces of the values.
 */
@ExtendWith(SecretLeakGuard.class)
class RevokeLeakedCommandTest {
  @TempDir Path dir;

  Cli cli;

  @BeforeEach
  void configure() {
    cli = new Cli(dir).organization("acme", "production").organization("globex", "prod");
  }

  private String create(String org, String env) {
    Result created = cli.run("create", "--org", org, "--env", env);
    assertThat(created.exitCode()).as(created.toString()).isZero();
    return created.out().strip();
  }

  @Test
  void valuesOnStandardInput_areRevokedInEveryOrganization_andOnlyLineOutcomesArePrinted() {
    String acme = create("acme", "production");
    String globex = create("globex", "prod");
    String unknown = Fixtures.mint(TokenMint.newId());

    Result revoked =
        cli.withInput(
            acme + "\n\n  " + globex + "  \nnot a token\n" + unknown + "\n" + acme + "\n",
            "revoke-leaked",
            "--reason",
            "pasted into ticket 4711",
            "--actor",
            "secops");

    assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
    assertThat(revoked.outLines())
        .containsExactly(
            "1: REVOKED", "3: REVOKED", "4: MALFORMED", "5: NOT_FOUND", "6: ALREADY_INACTIVE");
    assertThat(revoked.out() + revoked.err()).doesNotContain("acme", "globex", "production");
    assertThat(cli.run("list", "--org", "acme").out()).contains("Inactive");
    assertThat(cli.run("list", "--org", "globex").out()).contains("Inactive");
  }

  @Test
  void theAuditLog_recordsTheLeakReport_withTheActor() throws IOException {
    String acme = create("acme", "production");

    cli.withInput(
        acme + "\n", "revoke-leaked", "--reason", "found in a repository", "--actor", "secops");

    String audit = Files.readString(cli.home().resolve(AuditLog.FILE_NAME));
    assertThat(audit).contains("TOKEN_LEAK_REPORTED").contains("secops");
    assertThat(audit.lines().filter(line -> line.contains("TOKEN_LEAK_REPORTED")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(List.of(line.split("\t", -1)).subList(1, 8))
                    .containsExactly(
                        "TOKEN_LEAK_REPORTED",
                        "acme",
                        "production",
                        Cli.idOf(acme),
                        "2",
                        "secops",
                        "found in a repository"));
    assertThat(audit).doesNotContain(acme);
  }

  /** The reason is one field, escaped like the others, never able to split the record. */
  @Test
  void theAuditLogsReason_isEscaped_andAReasonThatLooksLikeAValue_isNeverWritten() {
    TokenEvent event =
        new TokenEvent(
            TokenEventType.TOKEN_LEAK_REPORTED,
            OrganizationId.of("acme"),
            EnvironmentId.of("production"),
            TokenMint.newId(),
            Actor.of("secops"),
            Instant.parse("2026-12-02T10:00:00Z"),
            2,
            "a\tb\nc\u2028d\\e");
    String line = AuditLog.record(event);
    assertThat(line).endsWith("\n").hasLineCount(1);
    assertThat(line.split("\t", -1)).hasSize(8);

    String value = Fixtures.mint(TokenMint.newId());
    String leaked =
        AuditLog.record(
            new TokenEvent(
                event.type(),
                event.organization(),
                event.environment(),
                event.tokenId(),
                event.actor(),
                event.at(),
                event.version(),
                "see " + value));
    assertThat(leaked).doesNotContain(value).doesNotContain(value.substring(4, 24));
    assertThat(leaked.split("\t", -1)).hasSize(8);
  }

  @Test
  void valuesFromAFile_nothingRevoked_exits1() throws IOException {
    String acme = create("acme", "production");
    cli.run("deactivate", "--org", "acme", Cli.idOf(acme));
    Path file = dir.resolve("leaked.txt");
    Files.writeString(file, acme + "\n" + Fixtures.mint(TokenMint.newId()) + "\n");

    Result revoked = cli.run("revoke-leaked", "--reason", "export of project X", file.toString());

    assertThat(revoked.exitCode()).as(revoked.toString()).isEqualTo(1);
    assertThat(revoked.outLines()).containsExactly("1: ALREADY_INACTIVE", "2: NOT_FOUND");
  }

  @Test
  void aValuePastedAsTheReason_isRefused_withoutEchoingIt_andRevokesNothing() {
    String acme = create("acme", "production");

    Result refused = cli.withInput(acme + "\n", "revoke-leaked", "--reason", acme);

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.out()).isEmpty();
    assertThat(cli.run("list", "--org", "acme").out()).contains("Active");
  }

  @Test
  void withoutAReason_isAUsageError() {
    Result refused = cli.withInput("x\n", "revoke-leaked");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("--reason");
  }

  @Test
  void aMissingFile_isAUsageError() {
    Result refused = cli.run("revoke-leaked", "--reason", "r", dir.resolve("none.txt").toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("no such file");
  }
}
