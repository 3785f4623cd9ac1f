package io.accesstokens.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the process asks a command that runs until it is stopped ({@code serve}) to stop. {@link Jvm}
 * is the real one, a shutdown hook, which the JVM runs on Ctrl-C (SIGINT), SIGTERM and SIGHUP;
 * tests pass one they trigger themselves, so no test installs a hook in its own JVM.
 */
interface StopRequests {
  /**
   * Runs {@code stop}, once, when the process is asked to stop; {@code stop} only tells the command
   * to stop, and returns. Closing the answer withdraws the request (the command ended otherwise).
   */
  Registration onStop(Runnable stop);

  /** A request to be run on stop; closing it withdraws it. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * The JVM's shutdown hook. After telling the command to stop, the hook waits for the command line
   * to end ({@link #ended}, which {@link Main} calls with the exit code once everything is closed
   * and printed) and ends the process with that code: the JVM would end it with 128 plus the
   * signal's number, but a server asked to stop that stopped cleanly has done its job (as Python's
   * {@code http.server} exits with 0 on Ctrl-C). A command that has not ended within {@link
   * #LONGEST_STOP} is left to the JVM, which then ends with the signal's code.
   */
  final class Jvm implements StopRequests {
    /** How long the hook waits for the command to end before it lets the JVM end it. */
    static final Duration LONGEST_STOP = Duration.ofSeconds(30);

    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    @Override
    public Registration onStop(Runnable stop) {
      Thread hook =
          new Thread(
              () -> {
                stop.run();
                try {
                  int code = exitCode.get(LONGEST_STOP.toMillis(), TimeUnit.MILLISECONDS);
                  Runtime.getRuntime().halt(code);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                  // the command did not end in time: the JVM ends as it was asked to
                }
              },
              "access-tokens-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      return () -> {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is stopping: the hook runs, and ends the process once the command has ended
        }
      };
    }

    /** The command line ended with {@code code}: what a running hook ends the process with. */
    void ended(int code) {
      exitCode.complete(code);
    }
  }
}
