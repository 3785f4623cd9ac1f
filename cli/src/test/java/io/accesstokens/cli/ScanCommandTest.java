package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.accesstokens.TokenSecret;
import io.accesstokens.cli.Cli.Result;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * scan: every value in the files, as FILE:LINE:COLUMN: token ID, never the value; exit 0 when none,
 * 1 when some, 2 when a file could not be read (the others still scanned). Every run's output is
 * scanned by {@link Cli} for pieces of the values, which {@link Fixtures#mint} recorded.
 */
@ExtendWith(SecretLeakGuard.class)
class ScanCommandTest {
  @TempDir Path dir;

  Cli cli;

  /**
   * The files' directory as the output shows it (JUnit's temporary name may look like a secret).
   */
  String shownDir;

  @BeforeEach
  void console() {
    cli = new Cli(dir);
    shownDir = ScanCommand.shown(dir.toString());
  }

  @Test
  void valuesInFiles_arePrintedWithFileLineColumnAndId_andExit1() throws IOException {
    String a = value();
    String b = value();
    String c = value();
    Path config = write("connector.properties", "# partner x\nconnector.token=" + a + "\n");
    Path log = write("app.log", "{\"token\":\"" + b + "\"}\r\nGET /t?token=" + c + "&x=1 200\r\n");

    Result scan = cli.run("scan", config.toString(), log.toString());

    assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(1);
    assertThat(scan.outLines())
        .containsExactly(
            shownDir + "/connector.properties:2:17: token " + idOf(a),
            shownDir + "/app.log:1:11: token " + idOf(b),
            shownDir + "/app.log:2:14: token " + idOf(c));
    assertThat(scan.err()).isEmpty();
    assertNoValueShown(scan);
  }

  @Test
  void filesWithoutValues_printNothing_andExit0() throws IOException {
    String value = value();
    Path clean =
        write(
            "clean.txt",
            "atk_ is the prefix; atk_short; x"
                + value // inside a longer run: not a value
                + "\n"
                + value.substring(0, 52) // truncated
                + "\n");
    Path empty = write("empty.txt", "");

    Result scan = cli.run("scan", clean.toString(), empty.toString());

    assertThat(scan.exitCode()).as(scan.toString()).isZero();
    assertThat(scan.out()).isEmpty();
    assertThat(scan.err()).isEmpty();
  }

  @Test
  void dash_readsStandardInput() throws IOException {
    String a = value();
    String b = value();
    Path file = write("f.txt", "token " + b);

    Result scan = cli.withInput("first line\n  Bearer " + a + "\n", "scan", "-", file.toString());

    assertThat(scan.exitCode()).isEqualTo(1);
    assertThat(scan.outLines())
        .containsExactly(
            "(standard input):2:10: token " + idOf(a), shownDir + "/f.txt:1:7: token " + idOf(b));
  }

  /** Files are read as bytes: a column counts bytes, and binary files are scanned as well. */
  @Test
  void anyEncodingAndBinaryFiles_areScanned_andColumnsCountBytes() throws IOException {
    String a = value();
    String b = value();
    Path utf8 = write("caf\u00e9.txt", "caf\u00e9 \u20ac " + a + "\n");
    byte[] binary = new byte[600];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 7);
    }
    System.arraycopy(
        ("\u0000" + b + "\u0000").getBytes(StandardCharsets.US_ASCII), 0, binary, 300, 55);
    Path blob = Files.write(dir.resolve("blob.bin"), binary);

    Result scan = cli.run("scan", utf8.toString(), blob.toString());

    assertThat(scan.outLines())
        .containsExactly(
            shownDir + "/caf\u00e9.txt:1:11: token " + idOf(a),
            shownDir
                + "/blob.bin:"
                + (1 + newlines(binary, 301))
                + ":"
                + column(binary, 301)
                + ": token "
                + idOf(b));
  }

  @Test
  void anUnreadableFile_isReported_theOthersAreScanned_andTheExitCodeIs2() throws IOException {
    String value = value();
    Path found = write("found.txt", value);
    Path missing = dir.resolve("missing.txt");
    Path directory = Files.createDirectory(dir.resolve("logs"));

    Result scan = cli.run("scan", missing.toString(), directory.toString(), found.toString());

    assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(2);
    assertThat(scan.outLines()).containsExactly(shownDir + "/found.txt:1:1: token " + idOf(value));
    assertThat(scan.errLines())
        .containsExactly(
            "access-tokens scan: " + shownDir + "/missing.txt: no such file",
            "access-tokens scan: " + shownDir + "/logs: is a directory");
  }

  @Test
  void aFileNoOneMayRead_isReported() throws IOException {
    assumeThat(System.getProperty("user.name")).as("root reads every file").isNotEqualTo("root");
    Path locked = write("locked.txt", "x");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));

    Result scan = cli.run("scan", locked.toString());

    assertThat(scan.exitCode()).isEqualTo(2);
    assertThat(scan.err())
        .isEqualTo("access-tokens scan: " + shownDir + "/locked.txt: permission denied\n");
  }

  /** A path part that may hold a secret is shown by kind and length, the rest as it is. */
  @Test
  void aFileNameThatMayHoldASecret_isShownByKindAndLength() throws IOException {
    String value = value();
    String inside = value();
    Path named = Files.createDirectory(dir.resolve(value));
    Path file =
        Files.writeString(named.resolve("export-Ab3dE5gH7jK9mN1p.json"), "\"" + inside + "\"");

    Result scan = cli.run("scan", file.toString());
    Result missing = cli.run("scan", dir.resolve("x-" + value).toString());
    Result pasted = cli.run("scan", value);

    assertThat(scan.outLines())
        .containsExactly(
            shownDir
                + "/<a token value (53 characters)>/<token-shaped text (28 characters)>:1:2: token "
                + idOf(inside));
    assertThat(missing.err())
        .isEqualTo(
            "access-tokens scan: "
                + shownDir
                + "/<token-shaped text (55 characters)>: no such file\n");
    assertThat(pasted.exitCode()).isEqualTo(2);
    assertThat(pasted.err())
        .isEqualTo(
            "access-tokens scan: <a token value (53 characters)>: no such file; scan reads files,"
                + " and a value to check goes on standard input: echo \"$TOKEN\" | access-tokens"
                + " scan -\n");
    for (Result result : new Result[] {scan, missing, pasted}) {
      assertNoValueShown(result);
    }
  }

  @Test
  void aFileNameWithALineBreak_isShownOnOneLine() throws IOException {
    String value = value();
    Path file = write("two\nlines.txt", value);

    Result scan = cli.run("scan", file.toString());

    assertThat(scan.outLines())
        .containsExactly(shownDir + "/two\\u000alines.txt:1:1: token " + idOf(value));
  }

  @Test
  void withoutAFile_itIsAUsageError() {
    Result scan = cli.run(new ByteArrayInputStream(new byte[0]), "scan");

    assertThat(scan.exitCode()).isEqualTo(2);
    assertThat(scan.err()).startsWith("access-tokens scan: Missing required parameter: 'FILE'");
  }

  @Test
  void scan_needsNoHomeDatabaseOrOrganization() throws IOException {
    Path file = write("f.txt", "nothing here");

    Result scan = cli.run("scan", file.toString());

    assertThat(scan.exitCode()).isZero();
    assertThat(cli.home()).doesNotExist();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String value() {
    return Fixtures.mint(TokenMint.newId());
  }

  private static String idOf(String value) {
    return TokenSecret.of(value).id().toString();
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  /** No value in the output by shape either (the temporary paths left out: see {@link Cli}). */
  private void assertNoValueShown(Result result) {
    String output = (result.out() + result.err()).replace(dir.toString(), "DIR");
    assertThat(SecretLeakGuard.leak(output)).as("secret-shaped output").isNull();
  }

  private static int newlines(byte[] bytes, int before) {
    int lines = 0;
    for (int i = 0; i < before; i++) {
      lines += bytes[i] == '\n' || (bytes[i] == '\r' && bytes[i + 1] != '\n') ? 1 : 0;
    }
    return lines;
  }

  private static int column(byte[] bytes, int at) {
    int start = 0;
    for (int i = 0; i < at; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        start = i + 1;
      }
    }
    return at - start + 1;
  }
}
