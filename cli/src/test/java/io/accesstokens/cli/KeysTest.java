package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The copy key: where it comes from, that it is made safely, and that it is never shown. */
@ExtendWith(SecretLeakGuard.class)
class KeysTest {
  private static final String KEY_A = Base64.getEncoder().encodeToString(bytes(32, 1));
  private static final String KEY_B = Base64.getEncoder().encodeToString(bytes(32, 2));

  @TempDir Path dir;

  Cli cli;

  @BeforeEach
  void configure() {
    cli = new Cli(dir).organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
  }

  @Test
  void theFirstCreate_makesAKeyFileInTheHome_readableByItsOwnerOnly() throws IOException {
    Path keyFile = cli.home().resolve("copy.key");
    assertThat(keyFile).doesNotExist();

    Result created = cli.run("create", "--env", "production");

    assertThat(created.exitCode()).isZero();
    assertThat(created.errLines().get(0))
        .isEqualTo(
            "Created the copy key "
                + keyFile
                + " (readable by you only). Keep it with the database: without it, copy cannot show"
                + " the values of the tokens created under it.");
    assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip())).hasSize(32);
    assumeThat(keyFile.getFileSystem().supportedFileAttributeViews()).contains("posix");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.home())))
        .isEqualTo("rwx------");
  }

  @Test
  void theMadeKey_isUsedByLaterCommands_andNeverShown() throws IOException {
    String value = cli.create("acme", "production", null);
    String key = Files.readString(cli.home().resolve("copy.key")).strip();

    Result second = cli.run("create", "--env", "production");
    Result copy = cli.run("copy", Cli.idOf(value));

    assertThat(second.err()).doesNotContain("Created the copy key");
    assertThat(copy.out()).isEqualTo(value + "\n");
    assertThat(second + copy.toString()).doesNotContain(key);
  }

  // ---- a key is never made over values sealed under another -------------------------------------

  @Test
  void aLostKeyFile_isNotReplacedByANewKey_andCreateSaysWhatHappenedAndWhatToDo()
      throws IOException {
    cli.create("acme", "production", null);
    cli.create("acme", "production", null);
    Path keyFile = cli.home().resolve("copy.key");
    String keyId = CopyKeys.keyIdOf(Base64.getDecoder().decode(Files.readString(keyFile).strip()));
    Files.delete(keyFile);

    Result created = cli.run("create", "--env", "production");

    created.assertExitWithErrLines(
        8,
        "access-tokens create: there is no copy key ("
            + keyFile
            + " is missing, and neither ACCESS_TOKENS_KEY nor --key-file is given), but the"
            + " database holds 2 tokens sealed under key id "
            + keyId
            + ": restore "
            + keyFile
            + ", or give that key in ACCESS_TOKENS_KEY or --key-file; or give --new-key to make"
            + " a new key anyway (those tokens keep validating, but copy cannot show them"
            + " again)");
    assertThat(created.out()).isEmpty();
    assertThat(keyFile).doesNotExist();
    assertThat(cli.run("list").outLines()).as("nothing created").hasSize(3);
  }

  @Test
  void aSecondHomeOnTheSameDatabase_isRefusedANewKey_namingEveryKeyId() {
    String database = "jdbc:h2:file:" + dir.resolve("shared/tokens");
    Cli first =
        new Cli(dir.resolve("first"))
            .organization("acme", "production")
            .env("ACCESS_TOKENS_ORG", "acme")
            .env("ACCESS_TOKENS_JDBC_URL", database);
    Cli second =
        new Cli(dir.resolve("second"))
            .organization("acme", "production")
            .env("ACCESS_TOKENS_ORG", "acme")
            .env("ACCESS_TOKENS_JDBC_URL", database);
    first.create("acme", "production", null);
    first.env("ACCESS_TOKENS_KEY", KEY_A).create("acme", "production", null);

    Result created = second.run("create", "--env", "production");

    created
        .assertExitWithOneErrLine(8)
        .contains(
            "but the database holds 2 tokens sealed under key ids ",
            " (1), ",
            CopyKeys.keyIdOf(bytes(32, 1)) + " (1)")
        .contains("or give --new-key to make a new key anyway");
    assertThat(second.home().resolve("copy.key")).doesNotExist();
  }

  @Test
  void newKey_makesAKeyOverALostOne_andCopyOfTheOlderTokensSaysSo() throws IOException {
    String older = cli.create("acme", "production", null);
    Files.delete(cli.home().resolve("copy.key"));

    Result created = cli.run("create", "--env", "production", "--new-key");
    Result copyOlder = cli.run("copy", Cli.idOf(older));
    Result copyNewer = cli.run("copy", Cli.idOf(created.out().strip()));

    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.errLines().get(0))
        .startsWith("Created the copy key " + cli.home().resolve("copy.key"));
    assertThat(copyOlder.exitCode()).isEqualTo(6);
    assertThat(copyNewer.out()).isEqualTo(created.out());
  }

  @Test
  void newKey_whereThereIsAKey_isAUsageError() {
    cli.create("acme", "production", null);

    Result inTheHome = cli.run("create", "--env", "production", "--new-key");
    Result inTheVariable =
        cli.env("ACCESS_TOKENS_KEY", KEY_A).run("create", "--env", "production", "--new-key");

    inTheHome.assertExitWithErrLines(
        2,
        "access-tokens create: --new-key makes a key only where there is"
            + " none, but "
            + cli.home().resolve("copy.key")
            + " holds one; leave --new-key out");
    inTheVariable.assertExitWithErrLines(
        2,
        "access-tokens create: --new-key makes a key only where"
            + " there is none, but ACCESS_TOKENS_KEY holds one; leave --new-key out");
  }

  @Test
  void aKeyFromTheEnvironment_isUsed_andNoKeyFileIsMade() {
    cli.env("ACCESS_TOKENS_KEY", KEY_A);

    String value = cli.create("acme", "production", null);
    Result copy = cli.run("copy", Cli.idOf(value));

    assertThat(cli.home().resolve("copy.key")).doesNotExist();
    assertThat(copy.out()).isEqualTo(value + "\n");
    assertThat(copy.err() + copy.out()).doesNotContain(KEY_A);
  }

  @Test
  void theSameKey_fromTheVariableOrAKeyFile_opensTheSameValues() throws IOException {
    Path keyFile = keyFile("key.b64", KEY_A + "\n");
    cli.env("ACCESS_TOKENS_KEY", KEY_A);
    String value = cli.create("acme", "production", null);
    cli.env("ACCESS_TOKENS_KEY", null);

    Result byOption = cli.run("--key-file", keyFile.toString(), "copy", Cli.idOf(value));
    Result byVariable =
        cli.env("ACCESS_TOKENS_KEY_FILE", keyFile.toString()).run("copy", Cli.idOf(value));

    assertThat(byOption.out()).isEqualTo(value + "\n");
    assertThat(byVariable.out()).isEqualTo(value + "\n");
  }

  @Test
  void copyUnderAnotherKey_exits6_namingTheKeyIds() {
    cli.env("ACCESS_TOKENS_KEY", KEY_A);
    String value = cli.create("acme", "production", null);

    Result copy = cli.env("ACCESS_TOKENS_KEY", KEY_B).run("copy", Cli.idOf(value));

    copy.assertExitWithOneErrLine(6)
        .startsWith(
            "access-tokens copy: copy is unavailable for token "
                + Cli.idOf(value)
                + ": its value is sealed under key id cli-")
        .doesNotContain(KEY_A, KEY_B);
    assertThat(copy.out()).isEmpty();
  }

  @Test
  void copyWithNoKeyAnywhere_exits6_sayingWhereOneCanCome_from() {
    cli.env("ACCESS_TOKENS_KEY", KEY_A);
    String value = cli.create("acme", "production", null);

    Result copy = cli.env("ACCESS_TOKENS_KEY", null).run("copy", Cli.idOf(value));

    copy.assertExitWithErrLines(
        6,
        "access-tokens copy: copy is unavailable: there is no copy key (set"
            + " ACCESS_TOKENS_KEY, give --key-file, or keep "
            + cli.home().resolve("copy.key")
            + ", which the first create makes)");
    assertThat(cli.home().resolve("copy.key")).doesNotExist();
  }

  @Test
  void aBadKey_exits8_withoutQuotingIt() throws IOException {
    String notBase64 = "this is not base64 but it is secret!";
    String tooShort = Base64.getEncoder().encodeToString(bytes(16, 3));
    Path shortFile = keyFile("short.key", tooShort);

    Result garbage = cli.env("ACCESS_TOKENS_KEY", notBase64).run("create", "--env", "production");
    Result shortKey =
        cli.env("ACCESS_TOKENS_KEY", null)
            .run("--key-file", shortFile.toString(), "create", "--env", "production");
    Result missing =
        cli.run("--key-file", dir.resolve("nope.key").toString(), "create", "--env", "production");

    garbage.assertExitWithErrLines(
        8,
        "access-tokens create: the variable ACCESS_TOKENS_KEY is not"
            + " base64: it must hold the base64 of 32 random bytes");
    shortKey
        .assertExitWithLastErrLine(8)
        .isEqualTo(
            "access-tokens create: the key file "
                + shortFile
                + " must hold the base64 of 32 random bytes, but holds 16 bytes");
    assertThat(shortKey.err()).doesNotContain(tooShort);
    assertThat(missing.exitCode()).isEqualTo(8);
    assertThat(cli.run("list").out()).startsWith("No access tokens");
  }

  @Test
  void aKeyFileOthersCanRead_isRefused() throws IOException {
    Path keyFile = Files.writeString(dir.resolve("key.b64"), KEY_A);
    assumeThat(keyFile.getFileSystem().supportedFileAttributeViews()).contains("posix");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

    Result created = cli.run("--key-file", keyFile.toString(), "create", "--env", "production");

    Cli.assertKeyFileOthersCanReadWasRefused(created, keyFile);
  }

  @Test
  void aKeyBothInTheVariableAndByOption_isAUsageError() throws IOException {
    Path keyFile = keyFile("key.b64", KEY_B);

    Result result =
        cli.env("ACCESS_TOKENS_KEY", KEY_A)
            .run("--key-file", keyFile.toString(), "create", "--env", "production");

    result.assertExitWithErrLines(
        2,
        "access-tokens create: both ACCESS_TOKENS_KEY and --key-file name a copy key; give only"
            + " one");
  }

  @Test
  void commandsOtherThanCreateAndCopy_neverReadTheKey() {
    String value = cli.create("acme", "production", null);
    cli.env("ACCESS_TOKENS_KEY", "not a key");

    assertThat(cli.run("list").exitCode()).isZero();
    assertThat(cli.run("deactivate", Cli.idOf(value)).exitCode()).isZero();
    assertThat(cli.withInput(value + "\n", "validate", "--env", "production").exitCode())
        .isEqualTo(1);
    assertThat(cli.run("activate", Cli.idOf(value)).exitCode()).isZero();
    assertThat(cli.run("delete", "--yes", Cli.idOf(value)).exitCode()).isZero();
  }

  @Test
  void aKeyIdOfTheHostsOwn_isStoredBesideTheValue() {
    cli.env("ACCESS_TOKENS_KEY", KEY_A);
    String value = cli.create("acme", "production", null);

    Result copy = cli.run("--key-id", "seal-1", "copy", Cli.idOf(value));
    Result bad = cli.run("--key-id", "no spaces", "copy", Cli.idOf(value));

    assertThat(copy.exitCode()).isEqualTo(6);
    assertThat(copy.err()).contains("not in this service's key ring [seal-1]");
    bad.assertExitWithOneErrLine(2).startsWith("access-tokens copy: --key-id: key id must be");
  }

  /** A key file as one must be kept: readable and writable by its owner only. */
  private Path keyFile(String name, String text) throws IOException {
    Path file = Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return file;
  }

  private static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return bytes;
  }
}
