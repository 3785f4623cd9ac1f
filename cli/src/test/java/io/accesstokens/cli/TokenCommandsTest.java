package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The page's actions, each as a command line: create, list, copy, edit, status, delete. */
@ExtendWith(SecretLeakGuard.class)
class TokenCommandsTest extends AcmeConsoleSuite {
  private static final String VALUE = "atk_[0-9A-Za-z]{49}";

  // ---- create
  // ------------------------------------------------------------------------------------

  @Test
  void create_printsTheValueAloneOnStandardOutput_andWhatItIsOnStandardError() {
    Result created =
        cli.run("create", "--env", "production", "--description", "Partner X over AS2");

    assertThat(created.exitCode()).isZero();
    assertThat(created.outLines()).singleElement().asString().matches(VALUE);
    String id = Cli.idOf(created.out().strip());
    assertThat(created.err())
        .contains(
            "Created access token " + id + " (production, \"Partner X over AS2\")",
            "in organization acme",
            "copy " + id + " shows it again")
        .doesNotContain(created.out().strip());
  }

  @Test
  void create_withoutDescription_listsAnEmptyDescription() {
    String value = cli.create("acme", "sandbox", null);

    Result list = cli.run("list");

    assertThat(list.outLines().get(1))
        .matches(
            Cli.idOf(value)
                + "  atk_"
                + Cli.idOf(value)
                + "…  Active  sandbox\\s+EDI    Never    Never");
  }

  @Test
  void create_inAnEnvironmentTheOrganizationDoesNotHave_exits4_andSaysHowToAddIt() {
    Result created = cli.run("create", "--env", "staging");

    created
        .assertExitWithLastErrLine(4)
        .isEqualTo(
            "access-tokens create: organization acme has no environment staging in "
                + cli.home().resolve("console.properties")
                + "; add it with: access-tokens env add --org acme staging");
    assertThat(created.out()).isEmpty();
  }

  @Test
  void create_withADescriptionBreakingTheRule_exits2_andCreatesNothing() {
    Result tooLong = cli.run("create", "--env", "production", "--description", "x".repeat(257));
    Result control = cli.run("create", "--env", "production", "--description", "line\nbreak");

    tooLong
        .assertExitWithLastErrLine(2)
        .isEqualTo("access-tokens create: description must be at most 256 characters, but has 257");
    control.assertExitWithLastErrLine(2).contains("must not contain control characters");
    assertThat(cli.run("list").out()).startsWith("No access tokens in organization acme.");
  }

  @Test
  void create_withoutTheEnvironmentOption_isAUsageError() {
    Result created = cli.run("create");

    created.assertExitWithErrLines(
        2,
        "access-tokens create: Missing required option: '--env=ENV' (see 'access-tokens create"
            + " --help')");
  }

  @Test
  void aDescriptionWithBidirectionalControls_isShownEscaped_inEveryOutput() {
    Result created =
        cli.run("create", "--env", "production", "--description", "Partner \u202Eevil\u202C X");
    assumeThat(created.exitCode())
        .as("the library takes the description (if not, TableTest covers the table)")
        .isZero();
    String id = Cli.idOf(created.out().strip());

    Result list = cli.run("list");
    Result delete = cli.withInput("n\n", "delete", id);

    assertThat(list.outLines().get(1)).contains("  Partner \\u202eevil\\u202c X  ");
    assertThat(delete.err()).contains(", \"Partner \\u202eevil\\u202c X\")? It stops working");
    assertThat(created.err()).contains(", \"Partner \\u202eevil\\u202c X\")");
    assertThat(created.err() + list.out() + delete.err()).doesNotContain("\u202E", "\u202C");
  }

  // ---- list
  // --------------------------------------------------------------------------------------

  @Test
  void list_showsTheSeedsColumns_withMaskedValues_andNeverAFullValue() {
    String first = cli.create("acme", "production", "Partner X over AS2");
    String second = cli.create("acme", "sandbox", "Test partner");

    Result list = cli.run("list");

    assertThat(list.exitCode()).isZero();
    assertThat(list.outLines())
        .containsExactly(
            "ID           Token             Status  Environment  Description         Scope "
                + " Expires  Last used",
            Cli.idOf(first)
                + "  atk_"
                + Cli.idOf(first)
                + "…  Active  production   Partner X over AS2  EDI    Never    Never",
            Cli.idOf(second)
                + "  atk_"
                + Cli.idOf(second)
                + "…  Active  sandbox      Test partner        EDI    Never    Never");
    assertThat(list.out()).doesNotContain(first, second).doesNotContainPattern(VALUE);
  }

  /** Issue 14: create --expires-in gives the token an expiry, which list shows in Expires. */
  @Test
  void create_withExpiresIn_listsTheExpiry_andABadLifetimeIsRefused() {
    java.time.Instant before = java.time.Instant.now();
    Result created =
        cli.run("create", "--env", "production", "--description", "ninety", "--expires-in", "90d");
    assertThat(created.exitCode()).isZero();

    Result list = cli.run("list");
    assertThat(list.outLines().get(0)).endsWith("Scope  Expires               Last used");
    String expires = list.outLines().get(1).replaceAll(".*EDI +", "").replaceAll(" +Never$", "");
    java.time.Instant shown =
        java.time.LocalDateTime.parse(expires.replace(" UTC", "").replace(' ', 'T'))
            .toInstant(java.time.ZoneOffset.UTC);
    assertThat(shown)
        .isBetween(
            before.plus(java.time.Duration.ofDays(90)).minusSeconds(60),
            java.time.Instant.now().plus(java.time.Duration.ofDays(90)));

    Result bad = cli.run("create", "--env", "production", "--expires-in", "soon");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("a lifetime is a number and a unit (90d, 12h, 30m)");
    Result zero = cli.run("create", "--env", "production", "--expires-in", "0d");
    assertThat(zero.exitCode()).isNotZero();
    assertThat(cli.run("list").outLines()).hasSize(2);
  }

  @Test
  void list_expiringWithin_showsOnlyTheTokensExpiringInTheWindow() {
    String soon = cli.create("acme", "production", "soon");
    cli.run("create", "--env", "production", "--description", "in a week", "--expires-in", "7d");
    cli.run("create", "--env", "production", "--description", "in a year", "--expires-in", "365d");

    Result list = cli.run("list", "--expiring-within", "30d");

    assertThat(list.exitCode()).isZero();
    assertThat(list.outLines()).hasSize(2);
    assertThat(list.outLines().get(1)).contains("in a week").doesNotContain(Cli.idOf(soon));
    Result none = cli.run("list", "--expiring-within", "1h");
    assertThat(none.out())
        .contains("No access tokens in organization acme (expiring within PT1H).");
  }

  /** Issue 14: a validation shows in Last used; --unused-since lists the tokens not used since. */
  @Test
  void list_showsLastUsed_andUnusedSinceListsTheTokensNotUsedSince() {
    String used = cli.create("acme", "production", "used");
    String unused = cli.create("acme", "production", "unused");
    java.time.Instant before =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    assertThat(cli.withInput(used + "\n", "validate", "--env", "production").exitCode()).isZero();

    Result list = cli.run("list");
    assertThat(list.outLines().get(0)).endsWith("Expires  Last used");
    String shown = list.outLines().get(1).replaceAll(".*Never +", "");
    java.time.Instant lastUsed =
        java.time.LocalDateTime.parse(shown.replace(" UTC", "").replace(' ', 'T'))
            .toInstant(java.time.ZoneOffset.UTC);
    assertThat(lastUsed).isBetween(before, java.time.Instant.now());
    assertThat(list.outLines().get(2)).contains("unused").endsWith("Never    Never");

    assertThat(cli.run("list", "--unused-since", "1m").out())
        .as("both created within the minute")
        .doesNotContain(Cli.idOf(used), Cli.idOf(unused));
    Result none = cli.run("list", "--unused-since", "1h");
    assertThat(none.out()).contains("No access tokens in organization acme (unused for PT1H).");
    Result both = cli.run("list", "--unused-since", "90d", "--expiring-within", "30d");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--expiring-within and --unused-since cannot be used together");
  }

  /** Issue 14: validate --from passes the connection's source; Last used shows it. */
  @Test
  void list_showsWhereTheLastUseCameFrom_whenValidatePassedIt() {
    String token = cli.create("acme", "production", "partner");
    assertThat(
            cli.withInput(token + "\n", "validate", "--env", "production", "--from", "10.0.0.7")
                .exitCode())
        .isZero();

    Result list = cli.run("list");
    assertThat(list.outLines().get(0)).endsWith("Expires  Last used");
    assertThat(list.outLines().get(1))
        .matches(".*Never +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC from 10\\.0\\.0\\.7");

    Result refused =
        cli.withInput(
            token + "\n", "validate", "--env", "production", "--from", "10.0.0.7\u001b[2J");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .contains(
            "connection source address must be printable ASCII (' ' to '~'), but had U+001B at"
                + " index 8")
        .doesNotContain("\u001b");
  }

  @Test
  void list_filtersByEnvironmentAndStatus() {
    String production = cli.create("acme", "production", "p");
    String sandbox = cli.create("acme", "sandbox", "s");
    cli.run("deactivate", Cli.idOf(sandbox));

    assertThat(ids(cli.run("list", "--env", "sandbox"))).containsExactly(Cli.idOf(sandbox));
    assertThat(ids(cli.run("list", "--status", "active"))).containsExactly(Cli.idOf(production));
    assertThat(ids(cli.run("list", "--status", "INACTIVE", "--env", "sandbox")))
        .containsExactly(Cli.idOf(sandbox));
    assertThat(cli.run("list", "--status", "inactive", "--env", "production").out())
        .isEqualTo(
            "No access tokens in organization acme (environment production, status Inactive).\n");
  }

  @Test
  void list_pagesWithACursor_thatTheLastLineGives() {
    List<String> created =
        List.of(
            Cli.idOf(cli.create("acme", "production", "1")),
            Cli.idOf(cli.create("acme", "production", "2")),
            Cli.idOf(cli.create("acme", "production", "3")));

    Result first = cli.run("list", "--page-size", "2");
    String cursor =
        first.outLines().get(3).replaceFirst("^More tokens follow: list again with --after ", "");
    Result second = cli.run("list", "--page-size", "2", "--after", cursor);

    assertThat(ids(first)).containsExactly(created.get(0), created.get(1));
    assertThat(first.outLines()).hasSize(4);
    assertThat(ids(second)).containsExactly(created.get(2));
    assertThat(second.outLines()).hasSize(2);
  }

  @Test
  void list_withABadPageSizeOrCursor_isAUsageError() {
    Result size = cli.run("list", "--page-size", "0");
    Result cursor = cli.run("list", "--after", "not-a-cursor");

    size.assertExitWithErrLines(
        2, "access-tokens list: page size must be between 1 and 1000, but was 0");
    cursor.assertExitWithOneErrLine(2).contains("cursor is malformed");
  }

  // ---- copy and edit
  // -----------------------------------------------------------------------------

  @Test
  void copy_printsTheFullValueAlone() {
    String value = cli.create("acme", "production", null);

    Result copy = cli.run("copy", Cli.idOf(value));

    assertThat(copy.exitCode()).isZero();
    assertThat(copy.out()).isEqualTo(value + "\n");
    assertThat(copy.err()).isEmpty();
  }

  @Test
  void edit_changesTheDescriptionAndNothingElse_andAnEmptyOneRemovesIt() {
    String value = cli.create("acme", "production", "old");
    String id = Cli.idOf(value);
    cli.run("deactivate", id);

    Result edit = cli.run("edit", id, "--description", "new text");
    List<String> row = cli.run("list").outLines();
    Result removed = cli.run("edit", id, "--description", "");

    assertThat(edit.exitCode()).isZero();
    assertThat(edit.out())
        .isEqualTo("Set the description of access token " + id + " (production, \"new text\").\n");
    assertThat(row.get(1))
        .isEqualTo(
            id + "  atk_" + id + "…  Inactive  production   new text     EDI    Never    Never");
    assertThat(removed.out()).startsWith("Removed the description of access token " + id + " (");
    assertThat(cli.run("copy", id).out()).isEqualTo(value + "\n");
  }

  @Test
  void edit_withoutADescription_isAUsageError() {
    String id = Cli.idOf(cli.create("acme", "production", null));

    Result edit = cli.run("edit", id);

    edit.assertExitWithOneErrLine(2).contains("Missing required option: '--description=TEXT'");
  }

  // ---- status
  // ------------------------------------------------------------------------------------

  @Test
  void deactivateAndActivate_toggleTheStatus_andSayWhenNothingChanged() {
    String id = Cli.idOf(cli.create("acme", "production", null));

    Result deactivated = cli.run("deactivate", id);
    Result again = cli.run("deactivate", id);
    Result activated = cli.run("activate", id);

    assertThat(deactivated.exitCode()).isZero();
    assertThat(deactivated.out())
        .startsWith("Access token " + id)
        .endsWith(" is now Inactive: EDI connections with it fail with INVALID_TOKEN.\n");
    assertThat(again.out()).endsWith(" was already Inactive.\n");
    assertThat(activated.out()).endsWith(" is now Active.\n");
    assertThat(cli.run("list").outLines().get(1)).contains("  Active  ");
  }

  // ---- delete
  // ------------------------------------------------------------------------------------

  @Test
  void delete_asksForConfirmation_andYesDeletes() {
    String value = cli.create("acme", "production", "Partner X");
    String id = Cli.idOf(value);

    Result delete = cli.withInput("y\n", "delete", id);

    assertThat(delete.exitCode()).isZero();
    assertThat(delete.err())
        .isEqualTo(
            "Are you sure you want to delete the access token "
                + id
                + " (production, \"Partner X\")? It stops working at once and cannot be restored."
                + " [y/N] y\n");
    assertThat(delete.out())
        .isEqualTo("Deleted access token " + id + " (production, \"Partner X\").\n");
    assertThat(cli.run("list").out()).startsWith("No access tokens");
  }

  @Test
  void delete_answeredAnythingButYes_keepsTheToken_andExits1() {
    String id = Cli.idOf(cli.create("acme", "production", null));

    Result no = cli.withInput("n\n", "delete", id);
    Result other = cli.withInput("maybe\n", "delete", id);

    no.assertExitWithLastErrLine(1).isEqualTo("Not deleted.");
    assertThat(no.out()).isEmpty();
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(ids(cli.run("list"))).containsExactly(id);
  }

  @Test
  void delete_withNoInputAtAll_keepsTheToken_andSaysHowToSkipTheQuestion() {
    String id = Cli.idOf(cli.create("acme", "production", null));

    Result delete = cli.run("delete", id);

    delete
        .assertExitWithLastErrLine(1)
        .isEqualTo(
            "Not deleted: no answer on standard input (give --yes to delete without asking).");
    assertThat(ids(cli.run("list"))).containsExactly(id);
  }

  @Test
  void delete_withYes_doesNotAsk_andReadsNoInput() {
    String id = Cli.idOf(cli.create("acme", "production", null));

    Result delete = cli.run(new FailingInputStream(), "delete", "--yes", id);

    assertThat(delete.exitCode()).isZero();
    assertThat(delete.err()).isEmpty();
    assertThat(delete.out()).startsWith("Deleted access token " + id);
  }

  // ---- a deleted token, another organization's token
  // ---------------------------------------------

  @Test
  void aDeletedToken_isNotFound_byEveryCommand_withExit3() {
    String id = Cli.idOf(cli.create("acme", "production", null));
    cli.run("delete", "--yes", id);

    for (List<String> command :
        List.of(
            List.of("copy", id),
            List.of("edit", id, "--description", "x"),
            List.of("activate", id),
            List.of("deactivate", id),
            List.of("delete", "--yes", id),
            List.of("delete", id))) {
      Result result = cli.run(command.toArray(String[]::new));

      assertThat(result.exitCode()).as("%s", command).isEqualTo(3);
      assertThat(result.errLines())
          .as("%s", command)
          .containsExactly(
              "access-tokens " + command.get(0) + ": no token " + id + " in organization acme");
      assertThat(result.out()).isEmpty();
    }
  }

  @Test
  void anotherOrganizationsToken_isNotFound_andUnchanged() {
    cli.organization("globex", "production");
    String theirs = cli.create("globex", "production", "theirs");
    String id = Cli.idOf(theirs);

    Result copy = cli.run("copy", id);
    Result deactivate = cli.run("deactivate", id);
    Result delete = cli.run("delete", "--yes", id);

    assertThat(List.of(copy.exitCode(), deactivate.exitCode(), delete.exitCode())).containsOnly(3);
    assertThat(copy.out()).isEmpty();
    assertThat(cli.run("--org", "globex", "list").outLines().get(1)).contains("  Active  ");
    assertThat(cli.run("list").out()).startsWith("No access tokens in organization acme.");
  }

  // ---- rotate (issue 14)
  // ------------------------------------------------------------------------------

  @Test
  void rotate_printsTheNewValueAlone_andTheOldValueValidatesThroughTheOverlap() throws Exception {
    String old = cli.create("acme", "production", "Partner X over AS2");
    String oldId = Cli.idOf(old);

    Result rotated = cli.run("rotate", oldId, "--overlap", "7d");

    assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
    assertThat(rotated.outLines()).singleElement().asString().matches(VALUE);
    String value = rotated.out().strip();
    String newId = Cli.idOf(value);
    assertThat(value).isNotEqualTo(old);
    assertThat(rotated.err())
        .contains(
            "Rotated access token " + oldId + " (production, \"Partner X over AS2\")",
            "it stops validating at ",
            "Its successor " + newId + "'s value follows",
            "copy " + newId + " shows it again")
        .doesNotContain(value);
    assertThat(cli.withInput(value + "\n", "validate", "--env", "production").exitCode()).isZero();
    assertThat(cli.withInput(old + "\n", "validate", "--env", "production").exitCode()).isZero();

    String audit = java.nio.file.Files.readString(cli.home().resolve(AuditLog.FILE_NAME));
    assertThat(audit.lines().filter(line -> line.contains("\tTOKEN_ROTATED\t")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(List.of(line.split("\t", -1)).subList(1, 6))
                    .containsExactly("TOKEN_ROTATED", "acme", "production", oldId, "2"))
        .satisfies(line -> assertThat(line).contains("successor " + newId));
    assertThat(audit.lines().filter(line -> line.contains("\tCREATED\t" + "acme")).count())
        .isEqualTo(2);
    assertThat(audit).doesNotContain(value, old);
  }

  /**
   * With --retire-on-first-use the old value validates until the successor's first validation,
   * which deactivates it (the audit log names that use as the actor); without it the old value
   * outlives the successor's use, as above.
   */
  @Test
  void rotate_withRetireOnFirstUse_deactivatesTheOldTokenWhenTheSuccessorIsFirstValidated()
      throws Exception {
    String old = cli.create("acme", "production", "Partner X over AS2");
    String oldId = Cli.idOf(old);

    Result rotated = cli.run("rotate", oldId, "--overlap", "7d", "--retire-on-first-use");

    assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
    assertThat(rotated.err()).contains("or when its successor is first validated");
    String value = rotated.out().strip();
    String newId = Cli.idOf(value);
    assertThat(cli.withInput(old + "\n", "validate", "--env", "production").exitCode())
        .as("before the successor's first use")
        .isZero();
    assertThat(cli.withInput(value + "\n", "validate", "--env", "production").exitCode()).isZero();

    Result refused = cli.withInput(old + "\n", "validate", "--env", "production");
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(refused.out().strip())
        .isEqualTo("Error opening connection. Exception is: Error code: INVALID_TOKEN");
    assertThat(cli.run("list").outLines().get(1)).startsWith(oldId).contains("  Inactive  ");
    assertThat(cli.withInput(value + "\n", "validate", "--env", "production").exitCode()).isZero();
    String audit = java.nio.file.Files.readString(cli.home().resolve(AuditLog.FILE_NAME));
    assertThat(audit.lines().filter(line -> line.contains("\tSTATUS_CHANGED\t")))
        .singleElement()
        .satisfies(line -> assertThat(line).contains(oldId, "first use of " + newId));
    assertThat(audit).doesNotContain(value, old);
  }

  /** The list shows where a token came from only when a row of the page has a predecessor. */
  @Test
  void list_afterARotation_showsRotatedFrom() {
    String old = cli.create("acme", "production", "p");
    String other = cli.create("acme", "sandbox", "s");
    String successor = cli.run("rotate", Cli.idOf(old)).out().strip();

    Result list = cli.run("list");

    assertThat(list.outLines().get(0)).endsWith("Scope  Expires  Last used  Rotated from");
    assertThat(list.outLines().get(1))
        .startsWith(Cli.idOf(old))
        .endsWith("  Expired  Never"); // Rotated from: empty
    assertThat(list.outLines().get(2)).startsWith(Cli.idOf(other)).endsWith("Never    Never");
    assertThat(list.outLines().get(3))
        .startsWith(Cli.idOf(successor))
        .endsWith("Never    Never      " + Cli.idOf(old));
    assertThat(cli.run("list", "--env", "sandbox").outLines().get(0))
        .endsWith("Scope  Expires  Last used");
  }

  @Test
  void rotate_refusals_changeNothing_andExitAsTheirKind() {
    String old = cli.create("acme", "production", "p");
    String oldId = Cli.idOf(old);
    cli.run("rotate", oldId, "--overlap", "1h");

    Result again = cli.run("rotate", oldId);
    Result unknown = cli.run("rotate", "0000000000A");
    Result negative = cli.run("rotate", oldId, "--overlap=-1d");
    Result inactive;
    String other = cli.create("acme", "sandbox", "s");
    cli.run("deactivate", Cli.idOf(other));
    inactive = cli.run("rotate", Cli.idOf(other));

    again
        .assertExitWithLastErrLine(7)
        .startsWith(
            "access-tokens rotate: token " + oldId + " cannot be rotated: it was already rotated");
    assertThat(unknown.exitCode()).isEqualTo(3);
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("an overlap is 0 or a number and a unit");
    assertThat(inactive.exitCode()).isEqualTo(7);
    assertThat(inactive.err()).contains("cannot be rotated: it is inactive");
    assertThat(again.out() + unknown.out() + negative.out() + inactive.out()).isEmpty();
    assertThat(ids(cli.run("list"))).hasSize(3);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The ID column of a list. */
  private static List<String> ids(Result list) {
    assertThat(list.exitCode()).as(list.toString()).isZero();
    return list.outLines().stream()
        .skip(1)
        .takeWhile(line -> !line.startsWith("More tokens"))
        .map(line -> line.substring(0, 11))
        .toList();
  }

  /** Standard input that fails the test if a command reads it. */
  static final class FailingInputStream extends java.io.InputStream {
    @Override
    public int read() {
      throw new AssertionError("the command read standard input");
    }

    @Override
    public int read(byte[] b, int off, int len) {
      throw new AssertionError("the command read standard input");
    }
  }
}
