package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The console's files: its home and everything in it (configuration, lock, embedded database, copy
 * key, audit log) are its owner's only, whatever the umask and whether or not the home existed; a
 * home, a configuration or a key that other users can change is refused, with the command that
 * fixes it; and nothing is ever written through a symbolic link planted where the console writes.
 * POSIX only.
 */
@ExtendWith(SecretLeakGuard.class)
class FilesTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @TempDir Path dir;

  @BeforeEach
  void posixOnly() {
    assumeThat(dir.getFileSystem().supportedFileAttributeViews())
        .as("a POSIX file system")
        .contains("posix");
  }

  // ---- owner-only, whatever the umask
  // --------------------------------------------------------------

  @Test
  void everyFileTheConsoleMakes_isItsOwnersOnly_inTheHomeItCreates() throws IOException {
    Cli cli = new Cli(dir);

    useEveryFile(cli);

    assertThat(mode(cli.home())).isEqualTo("rwx------");
    assertEveryFileIsItsOwnersOnly(cli);
  }

  @Test
  void everyFileTheConsoleMakes_isItsOwnersOnly_inAHomeThatExisted() throws IOException {
    Cli cli = new Cli(dir);
    Files.createDirectories(cli.home());
    Files.setPosixFilePermissions(cli.home(), PosixFilePermissions.fromString("rwxr-xr-x"));

    useEveryFile(cli);

    assertEveryFileIsItsOwnersOnly(cli);
  }

  @Test
  void filesAnOlderConsoleLeftReadable_areMadeItsOwnersOnly() throws IOException {
    Cli cli = new Cli(dir);
    useEveryFile(cli);
    for (String name : new String[] {"console.properties", "tokens.mv.db", "audit.log"}) {
      Files.setPosixFilePermissions(
          cli.home().resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
    }

    Result list = cli.run("list");
    Result deactivate = cli.run("deactivate", Cli.idOf(cli.create("acme", "production", null)));

    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(deactivate.exitCode()).as(deactivate.toString()).isZero();
    assertThat(modes(cli.home()))
        .allSatisfy((name, mode) -> assertThat(mode).as(name).isEqualTo("rw-------"));
  }

  // ---- refused when others can change them
  // --------------------------------------------------------

  @Test
  void aHomeOthersCanWrite_isRefused_withTheCommandThatFixesIt() throws IOException {
    Cli cli = new Cli(dir);
    useEveryFile(cli);
    Files.setPosixFilePermissions(cli.home(), PosixFilePermissions.fromString("rwxrwxrwx"));

    Result list = cli.run("list");
    Result orgAdd = cli.run("org", "add", "globex");

    for (Result result : new Result[] {list, orgAdd}) {
      result
          .assertExitWithOneErrLine(8)
          .endsWith(
              "the console's home "
                  + cli.home()
                  + " can be written by other users; restrict it with: chmod 700 "
                  + cli.home());
    }
    assertThat(Files.readString(cli.home().resolve("console.properties"))).doesNotContain("globex");
  }

  @Test
  void aHomeItsGroupCanWrite_isRefused() throws IOException {
    Cli cli = new Cli(dir);
    Files.createDirectories(cli.home());
    Files.setPosixFilePermissions(cli.home(), PosixFilePermissions.fromString("rwxrwx---"));

    Result result = cli.run("org", "add", "acme");

    assertThat(result.exitCode()).isEqualTo(8);
    assertThat(result.err())
        .contains("can be written by other users; restrict it with: chmod 700 " + cli.home());
    assertThat(cli.home().resolve("console.properties")).doesNotExist();
  }

  /**
   * A file of the home that others can access is refused by a command that reads it, naming the
   * chmod that fixes it: the configuration (every command reads it), and the key file in the home
   * (as a key file given elsewhere is, below).
   */
  @ParameterizedTest(name = "{0} made {1}: {2} is refused")
  @CsvSource({
    "console.properties, rw-rw-rw-, list, configuration, written",
    "copy.key, rw-r--r--, create --env production, key file, read"
  })
  void aHomeFileOthersCanAccess_isRefused_withTheCommandThatFixesIt(
      String name, String mode, String commandLine, String what, String access) throws IOException {
    Cli cli = new Cli(dir);
    useEveryFile(cli);
    Path file = cli.home().resolve(name);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    String[] args = commandLine.split(" ");

    Result result = cli.run(args);

    Cli.assertOpenToOthersWasRefused(result, args[0], what, file, access);
  }

  @Test
  void aKeyFileOthersCanReadOrWrite_isRefused_withTheCommandThatFixesIt() throws IOException {
    Cli cli = new Cli(dir).organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
    Path keyFile = Files.writeString(dir.resolve("key.b64"), KEY);

    for (String[] mode :
        new String[][] {
          {"rw-r--r--", "read"}, {"rw-r-----", "read"}, {"rw----r--", "read"},
          {"rw--w----", "written"}, {"rw-----w-", "written"}, {"rw-rw-rw-", "written"}
        }) {
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString(mode[0]));

      Result created = cli.run("--key-file", keyFile.toString(), "create", "--env", "production");

      assertThat(created.exitCode()).as(mode[0]).isEqualTo(8);
      assertThat(created.errLines())
          .as(mode[0])
          .containsExactly(
              "access-tokens create: the key file "
                  + keyFile
                  + " can be "
                  + mode[1]
                  + " by other users; restrict it with: chmod 600 "
                  + keyFile);
      assertThat(created.out()).isEmpty();
    }
    assertThat(cli.run("list").out()).startsWith("No access tokens");
  }

  // ---- never through a symbolic link
  // --------------------------------------------------------------

  @Test
  void anAuditLogThatIsASymbolicLink_isNotWrittenThrough_andTheChangeStands() throws IOException {
    Cli cli = new Cli(dir);
    useEveryFile(cli);
    Path victim = Files.writeString(dir.resolve("victim.txt"), "not the console's\n");
    Path audit = cli.home().resolve("audit.log");
    Files.delete(audit);
    Files.createSymbolicLink(audit, victim);

    Result created = cli.run("create", "--env", "production");

    assertThat(Files.readString(victim)).isEqualTo("not the console's\n");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.err())
        .contains(
            "warning: the CREATED of token ", "the audit log " + audit + " could not be written");
    assertThat(Files.isSymbolicLink(audit)).isTrue();
  }

  @Test
  void aDanglingSymbolicLinkAtTheAuditLog_createsNothingWhereItPoints() throws IOException {
    Cli cli = new Cli(dir);
    useEveryFile(cli);
    Path audit = cli.home().resolve("audit.log");
    Files.delete(audit);
    Path target = dir.resolve("created-through-the-link");
    Files.createSymbolicLink(audit, target);

    Result created = cli.run("create", "--env", "production");

    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(target).doesNotExist();
  }

  @Test
  void aSymbolicLinkAtTheConfigurationsTemporaryFile_isNotWrittenThrough() throws IOException {
    Cli cli = new Cli(dir);
    useEveryFile(cli);
    Path victim = Files.writeString(dir.resolve("victim.txt"), "not the console's\n");
    Files.createSymbolicLink(cli.home().resolve("console.properties.tmp"), victim);

    Result added = cli.run("org", "add", "globex");

    assertThat(Files.readString(victim)).isEqualTo("not the console's\n");
    assertThat(added.exitCode()).as(added.toString()).isZero();
    assertThat(Files.readString(cli.home().resolve("console.properties")))
        .contains("org.globex.edi=true");
    assertThat(Files.isSymbolicLink(cli.home().resolve("console.properties"))).isFalse();
  }

  @Test
  void aSymbolicLinkAtTheConfigurationsLockFile_isNotWrittenThrough_andSaysSo() throws IOException {
    Cli cli = new Cli(dir);
    useEveryFile(cli);
    Path lock = cli.home().resolve("console.properties.lock");
    Path target = dir.resolve("created-through-the-link");
    Files.delete(lock);
    Files.createSymbolicLink(lock, target);

    Result added = cli.run("org", "add", "globex");

    assertThat(target).doesNotExist();
    added.assertExitWithErrLines(
        8,
        "access-tokens org add: cannot write the configuration "
            + cli.home().resolve("console.properties")
            + ": "
            + lock
            + ": is a symbolic link, which the console does not write through; remove it");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Every file the console keeps: configuration and its lock, database, copy key, audit log. */
  private static void useEveryFile(Cli cli) {
    cli.organization("acme", "production").env("ACCESS_TOKENS_ORG", "acme");
    String value = cli.create("acme", "production", "Partner X");
    assertThat(cli.run("copy", Cli.idOf(value)).exitCode()).isZero();
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  /** The mode of every file in {@code directory}, by name. */
  static Map<String, String> modes(Path directory) throws IOException {
    Map<String, String> modes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        modes.put(file.getFileName().toString(), mode(file));
      }
    }
    return modes;
  }

  /** Every file the console made in {@code cli}'s home, the four kinds among them, is rw-------. */
  private static void assertEveryFileIsItsOwnersOnly(Cli cli) throws IOException {
    assertThat(modes(cli.home()))
        .containsKeys("console.properties", "tokens.mv.db", "copy.key", "audit.log")
        .allSatisfy((name, mode) -> assertThat(mode).as(name).isEqualTo("rw-------"));
  }
}
