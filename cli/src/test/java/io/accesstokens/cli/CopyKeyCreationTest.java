package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.CopyPolicy;
import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.Concurrently;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first copy key of a home is made once: consoles that make it at the same moment end with one
 * key, the one in the file, and every token they created is copyable under it.
 */
@ExtendWith(SecretLeakGuard.class)
class CopyKeyCreationTest {
  @TempDir Path dir;

  @Test
  void consolesMakingTheFirstKeyAtOnce_allUseTheKeyInTheFile() throws Exception {
    for (int round = 0; round < 500; round++) {
      Path keyFile = Files.createDirectories(dir.resolve("round-" + round)).resolve("copy.key");
      List<String> policies = new CopyOnWriteArrayList<>();

      Concurrently.run(
          6,
          thread -> {
            CopyPolicy policy =
                CopyKeys.policy(
                    CopyKeys.Use.CREATE,
                    Terminal.builder().build(),
                    null,
                    keyFile,
                    null,
                    false,
                    TreeMap::new);
            policies.add(policy.toString());
          });

      String keyId = CopyKeys.keyIdOf(CopyKeys.decode(Files.readString(keyFile), "the key file"));
      assertThat(policies)
          .as("round %d", round)
          .hasSize(6)
          .allSatisfy(policy -> assertThat(policy).contains("[" + keyId + "]"));
    }
  }

  @Test
  void twoFirstCreatesAtOnce_endWithOneKey_andBothTokensCopyable() throws Exception {
    for (int round = 0; round < 3; round++) {
      Path roundDir = Files.createDirectories(dir.resolve("round-" + round));
      new Cli(roundDir).organization("acme", "production");
      List<String> values = new CopyOnWriteArrayList<>();

      Concurrently.run(
          2,
          thread -> values.add(new Cli(roundDir).create("acme", "production", "thread " + thread)));

      Cli cli = new Cli(roundDir);
      for (String value : values) {
        Result copy = cli.run("--org", "acme", "copy", Cli.idOf(value));
        assertThat(copy.exitCode()).as("round %d: %s", round, copy).isZero();
        assertThat(copy.out()).isEqualTo(value + "\n");
      }
      try (var files = Files.list(roundDir.resolve("home"))) {
        assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.contains("key")))
            .as("round %d: one key file, no temporary left", round)
            .containsExactly("copy.key");
      }
    }
  }
}
