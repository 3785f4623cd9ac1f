package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.TokenSecret;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives the console as a user would, in-process: arguments, environment and standard input in;
 * exit code, standard output and standard error out. The user's home and the console's home are
 * temporary directories, so no test ever touches the real ones, and the real environment is never
 * seen.
 */
final class Cli {
  private final Path userHome;
  private final Map<String, String> environment = new LinkedHashMap<>();

  /** A console whose home is {@code dir/home} (ACCESS_TOKENS_HOME) and whose user's home is {@code dir/user}. */
  Cli(Path dir) {
    this.userHome = dir.resolve("user");
    environment.put("ACCESS_TOKENS_HOME", dir.resolve("home").toString());
  }

  /** Sets an environment variable of the console's process; {@code null} unsets it. */
  Cli env(String name, String value) {
    if (value == null) {
      environment.remove(name);
    } else {
      environment.put(name, value);
    }
    return this;
  }

  Path home() {
    return Path.of(environment.get("ACCESS_TOKENS_HOME"));
  }

  Path userHome() {
    return userHome;
  }

  Result run(String... args) {
    return run(InputStream.nullInputStream(), args);
  }

  Result withInput(String input, String... args) {
    return run(new ByteArrayInputStream(input.getBytes(Charset.defaultCharset())), args);
  }

  Result run(InputStream in, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Terminal terminal = Terminal.builder()
        .in(in)
        .out(new PrintWriter(out, true))
        .err(new PrintWriter(err, true))
        .environment(environment)
        .userHome(userHome.toString())
        .userName("tester")
        .build();
    int exit = Console.run(terminal, args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Configures an organization with EDI access and these environments. */
  Cli organization(String organization, String... environments) {
    assertThat(run("org", "add", organization).exitCode()).isZero();
    for (String environmentName : environments) {
      assertThat(run("--org", organization, "env", "add", environmentName).exitCode()).isZero();
    }
    return this;
  }

  /** Creates a token; returns its full value. */
  String create(String organization, String environmentName, String description) {
    Result created = description == null
        ? run("--org", organization, "create", "--env", environmentName)
        : run("--org", organization, "create", "--env", environmentName, "--description", description);
    assertThat(created.exitCode()).as(created.toString()).isZero();
    return created.out().strip();
  }

  static String idOf(String value) {
    return TokenSecret.of(value).id().toString();
  }

  /** What one command line did. */
  record Result(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
