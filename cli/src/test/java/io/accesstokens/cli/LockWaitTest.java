package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.cli.Cli.Result;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command waits for the embedded database while another holds it, for ten seconds at most, and
 * says so. The lock is the real one H2 takes (a lock on tokens.mv.db, held here by the test); the
 * time is a fake that moves forward when the console sleeps, so the ten seconds take none. The
 * runnable-jar test does the same with real processes and real time.
 */
@ExtendWith(SecretLeakGuard.class)
class LockWaitTest {
  @TempDir Path dir;

  Cli cli;
  FakeSleeper sleeper;
  String id;
  String value;

  @BeforeEach
  void configure() {
    sleeper = new FakeSleeper();
    cli =
        new Cli(dir)
            .organization("acme", "production")
            .env("ACCESS_TOKENS_ORG", "acme")
            .sleeper(sleeper);
    value = cli.create("acme", "production", "Partner X");
    id = Cli.idOf(value);
  }

  @Test
  void aCommandFindingTheDatabaseHeld_waits_sayingSo_andRunsWhenItIsReleased() throws IOException {
    FileChannel holder = hold();
    sleeper.after(Duration.ofSeconds(3), () -> close(holder));

    Result list = cli.run("list");

    list.assertExitWithErrLines(
        0,
        "waiting for another access-tokens command to finish with "
            + cli.home().resolve("tokens.mv.db")
            + "...");
    assertThat(list.out()).contains(id);
    assertThat(sleeper.slept()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(4));
  }

  @Test
  void aDatabaseHeldForTenSeconds_exits5_sayingHowLongItWaited() throws IOException {
    try (FileChannel holder = hold()) {
      Result deactivate = cli.run("deactivate", id);

      deactivate.assertExitWithErrLines(
          5,
          "waiting for another access-tokens command to finish with "
              + cli.home().resolve("tokens.mv.db")
              + "...",
          "access-tokens deactivate: cannot open the database jdbc:h2:file:"
              + cli.home().resolve("tokens")
              + ": another process has had it open for 10 seconds, and an embedded H2 database"
              + " admits one at a time (is another access-tokens command, such as serve, still"
              + " running?)");
      assertThat(deactivate.out()).isEmpty();
      assertThat(sleeper.slept()).isEqualTo(Duration.ofSeconds(10));
      assertThat(sleeper.sleeps())
          .as("backing off, not spinning")
          .allSatisfy(pause -> assertThat(pause).isLessThanOrEqualTo(Duration.ofMillis(500)))
          .hasSizeLessThan(40);
    }
    assertThat(cli.run("list").out()).contains("  Active  ");
  }

  @Test
  void theWait_isSetInWholeSecondsByItsVariable() throws IOException {
    try (FileChannel holder = hold()) {
      Result list = cli.env("ACCESS_TOKENS_LOCK_WAIT_SECONDS", "45").run("list");

      assertThat(list.exitCode()).isEqualTo(5);
      assertThat(list.err()).contains(": another process has had it open for 45 seconds, and");
      assertThat(sleeper.slept()).isEqualTo(Duration.ofSeconds(45));
    }
  }

  @Test
  void aWaitThatIsNotWholeSecondsUpToAnHour_isAUsageError_andNotQuoted() {
    for (String bad : List.of("-1", "3601", "10s", "1e3", "99999", value)) {
      sleeper = new FakeSleeper();
      Result list = cli.sleeper(sleeper).env("ACCESS_TOKENS_LOCK_WAIT_SECONDS", bad).run("list");

      assertThat(list.exitCode()).as("[%s] %s", bad.length(), list).isEqualTo(2);
      assertThat(list.errLines())
          .containsExactly(
              "access-tokens list: ACCESS_TOKENS_LOCK_WAIT_SECONDS must be a whole number of"
                  + " seconds from 0 to 3600");
      assertThat(sleeper.sleeps()).isEmpty();
    }
    assertThat(cli.env("ACCESS_TOKENS_LOCK_WAIT_SECONDS", "3600").run("list").exitCode()).isZero();
  }

  @Test
  void otherFailuresToOpen_areNotWaitedFor() {
    Result unreachable = cli.run("--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x", "list");

    assertThat(unreachable.exitCode()).isEqualTo(5);
    assertThat(unreachable.err()).doesNotContain("waiting");
    assertThat(sleeper.sleeps()).isEmpty();
  }

  /** Takes the lock H2 takes on the database file, as another process's H2 would hold it. */
  private FileChannel hold() throws IOException {
    FileChannel channel =
        FileChannel.open(cli.home().resolve("tokens.mv.db"), StandardOpenOption.WRITE);
    channel.lock();
    return channel;
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Time that passes only when the console sleeps; runs an action once it has passed a given point.
   */
  static final class FakeSleeper implements Sleeper {
    private long now = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();
    private Duration actionAt = Duration.ofDays(1);
    private Runnable action = () -> {};

    void after(Duration at, Runnable then) {
      this.actionAt = at;
      this.action = then;
    }

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(Duration duration) {
      sleeps.add(duration);
      now += duration.toNanos();
      if (slept().compareTo(actionAt) >= 0) {
        action.run();
        action = () -> {};
      }
    }

    Duration slept() {
      return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    List<Duration> sleeps() {
      return sleeps;
    }
  }
}
