package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** audit.log: who did what to which token, and never a value. */
@ExtendWith(SecretLeakGuard.class)
class AuditLogTest {
  @TempDir Path dir;

  @Test
  void everyChangeAndEveryCopy_isALine_withTheActor_andNoValue() throws IOException {
    Cli cli = new Cli(dir).organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
    String value = cli.create("acme", "production", "Partner X");
    String id = Cli.idOf(value);

    cli.run("--actor", "alice@acme.example", "copy", id);
    cli.run("edit", id, "--description", "renamed");
    cli.env("ACCESS_TOKENS_ACTOR", "night operator").run("deactivate", id);
    cli.run("list");
    cli.run("delete", "--yes", id);

    List<List<String>> lines =
        Files.readAllLines(cli.home().resolve("audit.log")).stream()
            .map(line -> List.of(line.split("\t", -1)))
            .toList();
    assertThat(lines)
        .extracting(fields -> fields.subList(1, 7))
        .containsExactly(
            List.of("CREATED", "acme", "production", id, "1", "tester"),
            List.of("VALUE_COPIED", "acme", "production", id, "1", "alice@acme.example"),
            List.of("DESCRIPTION_EDITED", "acme", "production", id, "2", "tester"),
            List.of("STATUS_CHANGED", "acme", "production", id, "3", "night operator"),
            List.of("DELETED", "acme", "production", id, "3", "night operator"));
    assertThat(lines)
        .allSatisfy(fields -> assertThat(fields.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
    assertThat(Files.readString(cli.home().resolve("audit.log")))
        .doesNotContain(value, value.substring(15, 47));
  }

  /**
   * One record per line, whatever the actor holds: characters that break a line for tools that
   * follow Unicode (NEL, U+2028, U+2029) or turn its text around (bidirectional controls) are
   * written escaped. The library may refuse such an actor itself, which keeps the log whole as
   * well.
   */
  @Test
  void anActorFullOfLineBreaksAndBidirectionalControls_staysOneRecordOnOneLine()
      throws IOException {
    Cli cli = new Cli(dir).organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
    String id = Cli.idOf(cli.create("acme", "production", null));
    String actor =
        "night\u0085operator\u2028DELETED\u2029\u202Eevil\u202C\u2066x\u2069\u200E\\u0085";

    Result deactivate = cli.run("--actor", actor, "deactivate", id);

    String log = Files.readString(cli.home().resolve("audit.log"));
    List<String> records = List.of(log.split("\\R")); // every line break Unicode knows
    assertThat(records).allSatisfy(record -> assertThat(record.split("\t", -1)).hasSize(7));
    assertThat(log)
        .doesNotContainPattern(
            "[\\u0085\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f]");
    if (deactivate.exitCode() == 0) {
      assertThat(records).hasSize(2);
      assertThat(records.get(1).split("\t", -1)[6])
          .isEqualTo(
              "night\\u0085operator\\u2028DELETED\\u2029\\u202eevil\\u202c\\u2066x\\u2069\\u200e\\\\u0085");
    } else {
      assertThat(deactivate.exitCode()).as(deactivate.toString()).isEqualTo(2);
      assertThat(records).hasSize(1);
    }
  }

  @Test
  void anAuditLogThatCannotBeWritten_isReported_andTheChangeStands() throws IOException {
    Cli cli = new Cli(dir).organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
    String id = Cli.idOf(cli.create("acme", "production", null));
    Files.delete(cli.home().resolve("audit.log"));
    Files.createDirectory(cli.home().resolve("audit.log"));

    Result deactivate = cli.run("deactivate", id);

    deactivate
        .assertExitWithOneErrLine(0)
        .startsWith(
            "warning: the STATUS_CHANGED of token "
                + id
                + " is done, but the audit log "
                + cli.home().resolve("audit.log")
                + " could not be written");
    assertThat(cli.run("list").outLines().get(1)).contains("  Inactive  ");
  }
}
