package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.ScriptedChangeFeed;
import io.accesstokens.testing.SecretLeakGuard;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a validator leaves behind when it closes: nothing. It leaves its service's invalidation hub
 * (else a service would keep every validator ever built, and go on calling it), and it stops its
 * change follower's thread. Both are invisible through the public API, so this test sits in core's
 * package (the tests run on the class path) and reads the hub itself.
 */
@ExtendWith(SecretLeakGuard.class)
class ValidatorLifecycleTest {
  private final TokenService service = Fixtures.serviceOn(new MemoryTokenStore()).build();

  @Test
  void aValidator_subscribesToItsServicesHubWhileOpen_andLeavesItWhenClosed() {
    InvalidationHub hub = service.invalidations();
    assertThat(hub).hasToString("InvalidationHub[subscribers=0]");

    TokenValidator first = TokenValidator.builder(service).build();
    TokenValidator second = TokenValidator.builder(service).build();
    assertThat(hub).hasToString("InvalidationHub[subscribers=2]");

    first.close();
    assertThat(hub).hasToString("InvalidationHub[subscribers=1]");
    second.close();
    second.close();
    assertThat(hub).hasToString("InvalidationHub[subscribers=0]");
  }

  @Test
  void closingAValidator_stopsItsFollowersThread() throws Exception {
    AtomicReference<Thread> started = new AtomicReference<>();
    ChangeFollower follower =
        ChangeFollower.builder(new ScriptedChangeFeed())
            .threadFactory(
                task -> {
                  Thread t = new Thread(task, "follower-under-test");
                  started.set(t);
                  return t;
                })
            .build();
    TokenValidator validator = TokenValidator.builder(service).changeFollower(follower).build();
    Thread thread = started.get();
    assertThat(thread).as("the follower's thread").isNotNull();
    assertThat(thread.isAlive()).isTrue();
    assertThat(thread.isDaemon()).as("a daemon: it never keeps the JVM up").isTrue();

    validator.close();

    // ChangeFollower.close() interrupts its thread and joins it: it has ended when close returns.
    assertThat(thread.isAlive()).as("the follower's thread after close").isFalse();
  }
}
