package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.internal.TokenMint;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.ReadmeSnippets;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TokenScanner example of docs/token-values.md, run as written, and its published pattern; a
 * test keeps the texts identical.
 */
@ExtendWith(SecretLeakGuard.class)
class ReadmeTokenScannerTest {
  @TempDir Path dir;

  private static void example(String ticketText, Path logFile, List<TokenId> leaked)
      throws IOException {
    // token-scanner:begin
    List<FoundToken> found = TokenScanner.scan(ticketText); // a String, a StringBuilder, ...
    for (FoundToken f : found) { // the id and the place, never the value
      System.out.println("line " + f.line() + ", column " + f.column() + ": token " + f.id());
    }
    try (InputStream log = Files.newInputStream(logFile)) { // bytes: UTF-8, Latin-1, binary alike
      TokenScanner.scan(log, f -> leaked.add(f.id())); // streamed, as each value is read
    }
    // token-scanner:end
  }

  @Test
  void theExample_printsWhereTheTicketsValueIs_andCollectsTheLogsIds() throws IOException {
    String pasted = Fixtures.mint(TokenMint.newId());
    String logged = Fixtures.mint(TokenMint.newId());
    Path logFile =
        Files.writeString(dir.resolve("app.log"), "GET /connect?token=" + logged + " 200\n");
    List<TokenId> leaked = new ArrayList<>();
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      example("Hi, our connector fails with\n  token: " + pasted + "\nThanks", logFile, leaked);
    } finally {
      System.setOut(original);
    }

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("line 2, column 10: token " + TokenSecret.of(pasted).id() + "\n");
    assertThat(leaked).containsExactly(TokenSecret.of(logged).id());
  }

  @Test
  void theDocument_showsThePublishedPattern_andExactlyThisCode() throws IOException {
    String readme = Files.readString(Path.of("../docs/token-values.md"));

    assertThat(readme).contains("```\n" + TokenScanner.PATTERN + "\n```");
    assertThat(readme)
        .contains(
            "before the value `\\A|[^0-9A-Za-z]`, the value `atk_[0-9A-Za-z]{49}`,\n"
                + "after it `\\z|[^0-9A-Za-z]`");
    ReadmeSnippets.assertDocumentShowsSameCode(
        "docs/token-values.md",
        "token-scanner",
        "src/test/java/io/accesstokens/ReadmeTokenScannerTest.java");
  }

  /** The three-part form for engines without look-around finds what the published pattern does. */
  @Test
  void theThreePartForm_matchesWhatThePublishedPatternMatches() {
    String value = Fixtures.mint(TokenMint.newId());
    Pattern published = Pattern.compile(TokenScanner.PATTERN);
    Pattern threeParts =
        Pattern.compile("(?:\\A|[^0-9A-Za-z])(atk_[0-9A-Za-z]{49})(?:\\z|[^0-9A-Za-z])");
    for (String text :
        List.of(
            value, " " + value + " ", "_" + value + "_", "x" + value, value + "x", "\"" + value)) {
      assertThat(threeParts.matcher(text).find())
          .as("at %d", text.indexOf(value))
          .isEqualTo(published.matcher(text).find());
    }
  }
}
