package io.accesstokens;

import io.accesstokens.internal.CryptoSupport;

/**
 * The library's random generators, as a host that snapshots its JVM needs to know them. Token
 * values, ids and the AES-GCM nonces of sealed values come from a DRBG per thread. Each reseeds
 * itself from the operating system every 65,536 uses, and on its first use after the wall clock
 * moved a minute or more since its last reseed (so a JVM restored from an older snapshot reseeds on
 * first use by itself).
 *
 * <p>A JVM restored from a snapshot (CRaC, AWS Lambda SnapStart, a cloned virtual machine) starts
 * with the generators' state as it was in the snapshot, the same in every copy: until they reseed,
 * every copy would mint the same values and reuse the same nonces under the shared sealing key.
 * Call {@link #reseedAll()} right after a restore, before the first request. With CRaC ({@code
 * org.crac}), from a resource the host registers (this library has no CRaC dependency), kept in a
 * field because the global context holds resources weakly:
 *
 * <pre>{@code
 * static final Resource RESEED_AFTER_RESTORE = new Resource() {
 *   public void beforeCheckpoint(Context<? extends Resource> context) {}
 *   public void afterRestore(Context<? extends Resource> context) {
 *     Randomness.reseedAll();
 *   }
 * };
 * ...
 * Core.getGlobalContext().register(RESEED_AFTER_RESTORE);
 * }</pre>
 *
 * <p>AWS Lambda SnapStart runs the same {@code org.crac} runtime hooks.
 */
public final class Randomness {
  private Randomness() {}

  /**
   * Makes every thread's generator reseed itself from the operating system before its next use, on
   * whichever thread that use comes. Cheap (one counter moves; each generator reseeds lazily, a few
   * microseconds each), safe to call at any time and from any thread, as often as needed.
   *
   * <p>A reseed reads 32 bytes from the JDK's seed source ({@code securerandom.source}: {@code
   * /dev/random} on Linux, which blocks only until the kernel's generator is first initialized on
   * kernels since 5.6; on older kernels point {@code securerandom.source} at {@code /dev/urandom}).
   */
  public static void reseedAll() {
    CryptoSupport.reseedEveryThread();
  }
}
