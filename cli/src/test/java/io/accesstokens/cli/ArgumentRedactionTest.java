package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.TokenId;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The redaction every console error passes through, on messages the console does not write itself.
 */
@ExtendWith(SecretLeakGuard.class)
class ArgumentRedactionTest {
  private static final String SECRET = "Q7mZk2LrT9vB4nXc8pYs1dWf6gHj0aKe";

  /** A well-formed value (its checksum matches): what a person would paste. */
  private static final String VALUE =
      TokenFormat.compose(TokenId.parse("3QthUyX9wl7"), SECRET.toCharArray());

  @Test
  void aMessageQuotingAnArgumentWhole_showsItByKindAndLength() {
    ArgumentRedaction redaction = new ArgumentRedaction(List.of("list", VALUE), true);

    assertThat(redaction.redact("Unmatched argument at index 1: '" + VALUE + "'"))
        .isEqualTo("Unmatched argument at index 1: a token value (53 characters)");
  }

  @Test
  void aMessageQuotingPartOfAnArgument_losesThePart() {
    ArgumentRedaction narrow = new ArgumentRedaction(List.of("--org", VALUE), false);

    String redacted =
        narrow.redact(
            "organization id must be 1 to 64 characters, but was \""
                + VALUE.substring(0, 40)
                + "\"... (53 characters)");

    assertThat(redacted)
        .isEqualTo(
            "organization id must be 1 to 64 characters, but was \"atk_[part of a token value]\"..."
                + " (53 characters)");
    assertThat(redacted).doesNotContain(SECRET.substring(0, 8), VALUE.substring(4, 12));
  }

  @Test
  void aSecretWithoutItsPrefix_isFoundToo() {
    ArgumentRedaction narrow =
        new ArgumentRedaction(List.of("--description", "the secret is " + SECRET), false);

    assertThat(narrow.redact("description has " + SECRET.substring(3, 20) + " in it"))
        .isEqualTo("description has [part of a token value] in it");
  }

  @Test
  void aQuotedFragmentThatMayHoldASecret_isReplaced_evenIfNoArgumentHoldsIt() {
    ArgumentRedaction broad = new ArgumentRedaction(List.of(), true);

    assertThat(broad.redact("Unknown option: '-" + SECRET + "'; or \"" + SECRET + "\""))
        .isEqualTo(
            "Unknown option: token-shaped text (33 characters); or token-shaped text (32"
                + " characters)");
  }

  @Test
  void pathsAndIds_thePersonGave_stayReadable() {
    String home = "/tmp/junit5073467213547356386/home";
    ArgumentRedaction narrow =
        new ArgumentRedaction(List.of("--home", home, "--org", "acme", "list"), false);

    String message = "organization acme is not configured in " + home + "/console.properties";

    assertThat(narrow.redact(message)).isEqualTo(message);
  }

  @Test
  void theTestsOwnScan_agrees() {
    IssuedSecrets.record(VALUE);
    assertThat(IssuedSecrets.pieceIn("x" + SECRET.substring(5, 13))).as("recorded").isNotNull();
    ArgumentRedaction broad =
        new ArgumentRedaction(List.of("x", "-" + VALUE, "--after=" + VALUE), true);

    for (String message :
        List.of(
            "Unknown option: '-" + VALUE + "'",
            "cursor is malformed: \"" + VALUE + "\"",
            "bad: " + VALUE.substring(10, 30) + " and " + VALUE.substring(30))) {
      assertThat(IssuedSecrets.pieceIn(broad.redact(message))).as(message).isNull();
    }
  }
}
