package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.testing.SecretLeakGuard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's tables render each cell as what it is: a bidirectional override cannot make a row
 * read as another, a line or paragraph separator cannot make one row look like two. Whatever the
 * library lets into a description now, a row stored earlier, or by a host, may hold such
 * characters.
 */
@ExtendWith(SecretLeakGuard.class)
class TableTest {
  @Test
  void controlSeparatorAndBidirectionalCharacters_areShownEscaped_oneRowPerLine() {
    StringWriter out = new StringWriter();

    Table.print(
        new PrintWriter(out, true),
        List.of("ID", "Description"),
        List.of(
            List.of("0000000000A", "Partner \u202Eevil\u202C X"),
            List.of("0000000000B", "two\u2028lines\u2029and\u0085more\u2066isolated\u2069\u200F"),
            List.of("0000000000C", "tab\there\u001b[31mred")));

    assertThat(out.toString().lines())
        .containsExactly(
            "ID           Description",
            "0000000000A  Partner \\u202eevil\\u202c X",
            "0000000000B  two\\u2028lines\\u2029and\\u0085more\\u2066isolated\\u2069\\u200f",
            "0000000000C  tab\\u0009here\\u001b[31mred");
    assertThat(out.toString())
        .doesNotContainPattern(
            "[\\u0085\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\u200f\\u001b\\t]");
  }

  @Test
  void aBackslash_isShownAsItIs_onTheTerminal() {
    StringWriter out = new StringWriter();

    Table.print(
        new PrintWriter(out, true), List.of("Description"), List.of(List.of("C:\\partner\\in")));

    assertThat(out.toString().lines()).containsExactly("Description", "C:\\partner\\in");
  }

  /** Issue 14: the Expires column says Never, the expiry to the minute in UTC, or Expired. */
  @Test
  void expires_isNever_theExpiryInUtc_orExpiredOnceItHasPassed() {
    java.time.Instant created = java.time.Instant.parse("2026-12-01T08:00:00Z");
    io.accesstokens.AccessToken never =
        new io.accesstokens.AccessToken(
            new io.accesstokens.TokenId(7),
            io.accesstokens.OrganizationId.of("acme"),
            io.accesstokens.EnvironmentId.of("production"),
            io.accesstokens.TokenStatus.ACTIVE,
            null,
            io.accesstokens.Scope.EDI,
            created,
            created,
            1);
    io.accesstokens.AccessToken expiring =
        never.withExpiry(java.time.Instant.parse("2027-03-01T09:30:59.999Z"), created);

    assertThat(Table.expires(never, created.plusSeconds(1_000_000_000))).isEqualTo("Never");
    assertThat(Table.expires(expiring, created)).isEqualTo("2027-03-01 09:30 UTC");
    assertThat(Table.expires(expiring, java.time.Instant.parse("2027-03-01T09:30:59.998Z")))
        .isEqualTo("2027-03-01 09:30 UTC");
    assertThat(Table.expires(expiring, java.time.Instant.parse("2027-03-01T09:30:59.999Z")))
        .isEqualTo("Expired");
  }
}
