package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The console as its own host: org and env commands, and the configuration file they keep. */
@ExtendWith(SecretLeakGuard.class)
class HostCommandsTest {
  @TempDir Path dir;

  @Test
  void orgAddAndEnvAdd_writeTheDocumentedFile() throws IOException {
    Cli cli = new Cli(dir);

    Result org = cli.run("org", "add", "acme");
    Result env = cli.run("--org", "acme", "env", "add", "production");
    cli.run("env", "add", "--org", "acme", "sandbox");
    cli.run("org", "add", "initech", "--no-edi");

    assertThat(org.out())
        .isEqualTo(
            "Added organization acme (EDI access: yes). Add its environments with:"
                + " access-tokens env add --org acme ENV\n");
    assertThat(env.out()).isEqualTo("Added environment production to organization acme.\n");
    assertThat(Files.readAllLines(cli.home().resolve("console.properties")))
        .filteredOn(line -> !line.startsWith("#"))
        .containsExactly(
            "org.acme.edi=true",
            "org.acme.environments=production,sandbox",
            "org.initech.edi=false",
            "org.initech.environments=");
  }

  @Test
  void addingWhatIsThere_changesNothing_andExits0() {
    Cli cli = new Cli(dir).organization("acme", "production");

    Result org = cli.run("org", "add", "acme");
    Result env = cli.run("--org", "acme", "env", "add", "production");

    assertThat(org.exitCode()).isZero();
    assertThat(org.out()).isEqualTo("Organization acme is already configured (EDI access: yes).\n");
    assertThat(env.exitCode()).isZero();
    assertThat(env.out()).isEqualTo("Organization acme already has environment production.\n");
  }

  @Test
  void orgAdd_ofAConfiguredOrganizationWithOtherEdiAccess_isRefused() {
    Cli cli = new Cli(dir).organization("acme");

    Result result = cli.run("org", "add", "acme", "--no-edi");

    result.assertExitWithErrLines(
        2,
        "access-tokens org add: organization acme is already configured,"
            + " with EDI access yes; change org.acme.edi in "
            + cli.home().resolve("console.properties"));
  }

  @Test
  void envAdd_needsAConfiguredOrganization() {
    Cli cli = new Cli(dir);

    Result missing = cli.run("env", "add", "production");
    Result unknown = cli.run("--org", "acme", "env", "add", "production");

    assertThat(missing.exitCode()).isEqualTo(2);
    unknown
        .assertExitWithOneErrLine(4)
        .contains("organization acme is not configured", "access-tokens org add acme");
  }

  @Test
  void orgListAndEnvList_showTheConfiguration() {
    Cli cli =
        new Cli(dir)
            .organization("acme", "sandbox", "production")
            .organization("globex", "production");
    cli.run("org", "add", "initech", "--no-edi");

    assertThat(cli.run("org", "list").outLines())
        .containsExactly(
            "Organization  EDI  Environments",
            "acme          yes  production, sandbox",
            "globex        yes  production",
            "initech       no");
    assertThat(cli.run("env", "list").outLines())
        .containsExactly(
            "Organization  Environment",
            "acme          production",
            "acme          sandbox",
            "globex        production");
    assertThat(cli.run("--org", "globex", "env", "list").outLines())
        .containsExactly("Organization  Environment", "globex        production");
  }

  @Test
  void withNothingConfigured_theListsSaySoAndHow() {
    Cli cli = new Cli(dir);

    assertThat(cli.run("org", "list").out())
        .isEqualTo(
            "No organizations in "
                + cli.home().resolve("console.properties")
                + "; add one with: access-tokens org add ORG\n");
    assertThat(cli.run("env", "list").out()).startsWith("No environments; add one with");
  }

  @Test
  void idsWithColonsAndAts_roundTripThroughTheFile() {
    Cli cli = new Cli(dir).organization("org:eu@acme", "prod:eu-1");

    String value = cli.create("org:eu@acme", "prod:eu-1", null);

    assertThat(cli.run("org", "list").outLines().get(1)).isEqualTo("org:eu@acme   yes  prod:eu-1");
    assertThat(cli.run("--org", "org:eu@acme", "list").outLines().get(1)).contains("prod:eu-1");
    assertThat(value).startsWith("atk_");
  }

  @Test
  void aHandWrittenFile_withoutAnEdiLine_meansNoEdiAccess() throws IOException {
    Cli cli = new Cli(dir);
    Files.createDirectories(cli.home());
    Files.writeString(
        cli.home().resolve("console.properties"), "org.acme.environments = production , sandbox\n");
    if (cli.home()
        .getFileSystem()
        .supportedFileAttributeViews()
        .contains("posix")) { // whatever the build's umask
      Files.setPosixFilePermissions(
          cli.home(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(
          cli.home().resolve("console.properties"),
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    assertThat(cli.run("org", "list").outLines().get(1))
        .isEqualTo("acme          no   production, sandbox");
    assertThat(cli.run("--org", "acme", "list").exitCode()).isEqualTo(4);
  }

  @Test
  void theDefaultHome_isInTheUsersHome_andMadePrivate() throws IOException {
    Cli cli = new Cli(dir).env("ACCESS_TOKENS_HOME", null);

    Result result = cli.run("org", "add", "acme");

    assertThat(result.exitCode()).isZero();
    assertThat(cli.userHome().resolve(".access-tokens/console.properties")).exists();
    if (cli.userHome().getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(cli.userHome().resolve(".access-tokens"))))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void theHomeOption_winsOverTheVariable() {
    Cli cli = new Cli(dir);
    Path other = dir.resolve("other-home");

    cli.run("--home", other.toString(), "org", "add", "acme");

    assertThat(other.resolve("console.properties")).exists();
    assertThat(cli.home()).doesNotExist();
  }
}
